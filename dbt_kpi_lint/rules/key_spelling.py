"""A misspelt KPI key is read as no key at all: say which key it was meant to be."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

from ..kpi.certification import CERTIFIED_KEY
from ..kpi.fields import Kpi, MetaKeys
from ..kpi.spelling import closest
from ..model import Location, Severity
from .registry import RuleContext, Violation, rule


@rule("KPI014", "misspelt-kpi-key", severity=Severity.WARNING, fixable=True)
def misspelt_kpi_key(context: RuleContext) -> Iterable[Violation]:
    """A KPI's meta holds a key dbt-kpi-lint does not read that looks like one it does.

    ## What it checks
    Every key of a KPI's `meta`, and of its `meta.kpi` mapping, that dbt-kpi-lint does not read
    but that is one typing slip away from a key it does (`kpi`, `owner`, `target`, `direction`,
    `objective`, `indicator`, `at_risk_band`, `grain`, `format`, `unit`, `kpi_lint`, or the names
    your configuration gives them): a letter added, dropped, changed or two neighbours swapped;
    two slips for keys longer than five letters; case, spaces and hyphens do not count. `ownr`,
    `taget`, `indicatr`, `Owner` and `at-risk-band` are reported; keys further from every known
    one (`team`, `order`, `domain`) are the team's own and stay allowed, as does `certified`
    (written by `certify`). A key whose look-alike is also set is left alone: nothing was lost.
    The finding points at the key.

    ## Why it matters
    A misspelt key is simply another meta key: dbt keeps it, and every reader of the KPI finds
    its field missing. For `owner`, `target` or `direction` another rule then reports the field
    as missing, without pointing at the line that holds the misspelling; for `grain`, `format`,
    `unit` or `at_risk_band` nothing is reported and the default is used in silence.

    ## Example
    ```yaml
    metrics:
      - name: revenue
        config:
          meta:
            kpi: true
            ownr: finance@example.com   # KPI014: rename it to `owner`
    ```

    ## Fix
    Rename the key to the one the message names; `check --fix` does it where the key is written
    in the metric's own file (not in a `+meta` of `dbt_project.yml`), touching nothing else. A key
    of your own that happens to look like a KPI key can be renamed, or suppressed with a reason
    (`kpi_lint: {ignore: [KPI014], reason: "..."}`); `--diff` shows what `--fix` would rename.
    """
    keys = context.meta_keys
    for kpi in context.kpis:
        written = _written_keys(kpi, keys)
        for key, location in written.items():
            meant = meant_key(key, keys)
            if meant is not None and meant not in written:
                yield Violation(
                    f"KPI `{kpi.metric.name}` has meta key `{key}`, which dbt-kpi-lint does not read: rename it "
                    f"to `{meant}` if that is what it means",
                    kpi.metric,
                    location=location,
                )


@lru_cache(maxsize=4096)  # a project repeats its few keys on every KPI
def meant_key(key: str, keys: MetaKeys) -> str | None:
    """The key dbt-kpi-lint reads that `key` misspells, or None (a key it reads, or the team's own)."""
    typed = {name: name for name in (getattr(keys, field) for field in MetaKeys.names())}
    # `certified` is read too, but written by `certify`, not typed: it is never the key meant (a
    # team's `verified` is two slips from it).
    if key in typed or key == CERTIFIED_KEY:
        return None
    return closest(key, typed)


def _written_keys(kpi: Kpi, keys: MetaKeys) -> dict[str, Location]:
    """The text keys of the KPI's meta and of its `kpi` mapping, each where it is written."""
    return dict(_flat_keys(kpi)) | dict(_nested_keys(kpi, keys))


def _flat_keys(kpi: Kpi) -> Iterator[tuple[str, Location]]:
    for key, entry in kpi.metric.meta.items():
        if isinstance(key, str):
            yield key, entry.location


def _nested_keys(kpi: Kpi, keys: MetaKeys) -> Iterator[tuple[str, Location]]:
    flag = kpi.metric.meta[keys.kpi]
    if not isinstance(flag.value, dict):
        return
    positions = getattr(flag.value, "key_positions", {})
    for key in flag.value:
        if isinstance(key, str):
            yield key, Location(flag.location.path, *positions[key]) if key in positions else flag.location
