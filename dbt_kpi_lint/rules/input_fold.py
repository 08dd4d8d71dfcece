"""A value computed for a metric from the values of the metrics it is computed from, transitively.

Projects chain metrics thousands deep, and a ratio of ratios reads its input twice at every level
(40 levels are 2^40 paths). So each metric's value is computed once, and on an explicit stack:
neither Python's recursion limit nor the number of paths bounds the walk.
"""

from __future__ import annotations

from typing import Callable, Generator, Generic, TypeVar

from ..model import Metric

Value = TypeVar("Value")
# Computes one metric's value. It yields an input metric to receive that input's value, and
# returns the metric's own value.
Step = Callable[[Metric], Generator[Metric, Value, Value]]


class InputFold(Generic[Value]):
    """The memoized value of `step` for any metric of one project.

    An input whose value is still being computed (an input cycle) gives `in_cycle`.
    """

    def __init__(self, step: Step[Value], in_cycle: Value) -> None:
        self._step = step
        self._in_cycle = in_cycle
        # Keyed by identity: a metric is not hashable (its meta is a dict), and the project
        # keeps every metric, so no id is reused while the fold lives.
        self._values: dict[int, Value] = {}

    def __call__(self, metric: Metric) -> Value:
        if id(metric) in self._values:
            return self._values[id(metric)]
        self._values[id(metric)] = self._in_cycle
        stack = [(metric, self._step(metric))]
        received: Value | None = None  # what the top generator is sent next: None starts it
        while stack:
            current, steps = stack[-1]
            try:
                wanted = steps.send(received)  # type: ignore[arg-type]
            except StopIteration as done:
                stack.pop()
                self._values[id(current)] = received = done.value
                continue
            if id(wanted) in self._values:
                received = self._values[id(wanted)]
            else:
                self._values[id(wanted)] = self._in_cycle
                stack.append((wanted, self._step(wanted)))
                received = None
        return self._values[id(metric)]
