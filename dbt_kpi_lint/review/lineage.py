"""Which dbt models a semantic model's number comes from: its model and what that model reads.

A model's upstream is read from the `ref()` calls in its SQL (or `dbt.ref()` in a Python model),
following them through the project's model files. Only what a review needs is read: the files
are listed once, and a model's SQL is opened only when the walk reaches it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..loading.yaml_loader import ref_names

MODEL_SUFFIXES = (".sql", ".py")


@dataclass
class ModelFiles:
    root: Path
    paths: dict[str, str]  # model name -> its file, relative to the project root
    _reads: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Path, model_paths: Iterable[str]) -> ModelFiles:
        paths: dict[str, str] = {}
        for model_path in model_paths:
            for directory, subdirs, files in os.walk(root / model_path):
                subdirs.sort()
                for name in sorted(files):
                    if name.endswith(MODEL_SUFFIXES):
                        relative = (Path(directory) / name).relative_to(root).as_posix()
                        paths.setdefault(name.rsplit(".", 1)[0], relative)  # dbt names a model after its file
        return cls(root, paths)

    def upstream(self, model: str) -> list[str]:
        """`model` and every model it reads, transitively, nearest first."""
        ordered = [model]
        for name in ordered:  # grows while it is walked
            for read in self._models_read_by(name):
                if read not in ordered:
                    ordered.append(read)
        return ordered

    def _models_read_by(self, model: str) -> list[str]:
        if model not in self._reads:
            path = self.paths.get(model)
            try:
                text = (self.root / path).read_text(encoding="utf-8", errors="replace") if path else ""
            except OSError:
                text = ""
            self._reads[model] = ref_names(text)
        return self._reads[model]


def changed_models(changed: Iterable[str], model_paths: Iterable[str]) -> dict[str, str]:
    """Model name -> path of each changed file that is a model (SQL or Python under a model path)."""
    prefixes = tuple("" if path.strip("/") in ("", ".") else path.strip("/") + "/" for path in model_paths)
    return {
        path.rsplit("/", 1)[-1].rsplit(".", 1)[0]: path
        for path in sorted(changed)
        if path.endswith(MODEL_SUFFIXES) and path.startswith(prefixes)
    }
