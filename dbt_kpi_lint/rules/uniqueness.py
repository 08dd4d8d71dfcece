"""Names dbt requires to be unique across the project."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from ..model import Metric, Severity
from .registry import RuleContext, Violation, rule


@rule("YML003", "duplicate-metric-name", severity=Severity.ERROR)
def duplicate_metric_name(context: RuleContext) -> Iterable[Violation]:
    """Two enabled metrics of the project have the same name, so dbt refuses the project.

    ## What it checks
    Every enabled metric's name, those dbt makes from measures with `create_metric: true`
    included, must be unique within the project. Each definition of a repeated name gets a
    finding, naming the other places.

    ## Why it matters
    dbt stops parsing at the second definition ("dbt found two metrics with the name ..."): no
    model builds and no metric can be queried. Until then the two definitions may disagree, and
    which one a reader, a dashboard or this linter took for "the" metric is a coin toss.

    ## Example
    ```yaml
    # models/finance/metrics.yml
    metrics:
      - name: revenue
        type: simple
        type_params: {measure: recognized_revenue}
    # models/marketing/metrics.yml
    metrics:
      - name: revenue
        type: simple
        type_params: {measure: attributed_revenue}
    ```

    ## Fix
    Rename one of them (and its references), or delete the copy.
    """
    by_name: dict[str, list[Metric]] = defaultdict(list)
    for metric in context.project.metrics:
        by_name[metric.name].append(metric)
    for name, metrics in by_name.items():
        if len(metrics) < 2:
            continue
        for metric in metrics:
            others = _places([other for other in metrics if other is not metric])
            yield Violation(
                f"metric `{name}` is also defined at {others}: dbt refuses a project with two metrics of "
                f"one name; rename or delete one of them",
                metric,
            )


_SHOWN_PLACES = 3


def _places(metrics: list[Metric]) -> str:
    """Where the other definitions are, the first few of them: 10,000 copies of a name would
    otherwise make 10,000 messages of 10,000 places each."""
    shown = ", ".join(str(metric.location) for metric in metrics[:_SHOWN_PLACES])
    hidden = len(metrics) - _SHOWN_PLACES
    return f"{shown} and {hidden:,} more" if hidden > 0 else shown
