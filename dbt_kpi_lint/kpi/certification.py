"""`meta.kpi.certified`: who certified a KPI, when, and the fingerprint of what they certified.

```yaml
config:
  meta:
    kpi:
      certified:
        by: ana@example.com
        "on": 2026-06-30
        fingerprint: "sha256:…"
```

`"on"` is quoted when `certify` writes it: YAML 1.1, which dbt reads, takes a bare `on` for
the boolean true, and dbt's manifest then holds `"true": "2026-06-30"` (measured with
dbt-core 1.11). A bare `on:` written by hand is read too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Location, Metric
from .fields import MetaKeys

if TYPE_CHECKING:
    from .definition_fingerprint import Fingerprint

CERTIFIED_KEY = "certified"
BY_KEY, ON_KEY, FINGERPRINT_KEY = "by", "on", "fingerprint"


@dataclass(frozen=True)
class Certification:
    by: str | None
    on: str | None  # the date as written, ISO when it is a date
    fingerprint: Fingerprint | None  # None: missing, or not a fingerprint this tool writes
    location: Location  # the `certified` key
    readable: bool = True  # False: `certified` is not a mapping

    def void_reasons(self, current: Fingerprint) -> list[str]:
        """Why the certification no longer holds for a KPI whose fingerprint is now `current`,
        for people; empty while it holds."""
        from .definition_fingerprint import PART_NAMES

        if not self.readable:
            return [f"`{CERTIFIED_KEY}` is not a mapping of `{BY_KEY}`, `{ON_KEY}` and `{FINGERPRINT_KEY}`"]
        if self.fingerprint is None:
            return [f"`{FINGERPRINT_KEY}` is not one dbt-kpi-lint writes"]
        return [PART_NAMES[part] for part in current.changed_since(self.fingerprint)]

    @property
    def fingerprint_version(self) -> int:
        """The fingerprint version to check it by: the one it was written in."""
        from .definition_fingerprint import VERSION

        return self.fingerprint.version if self.fingerprint is not None else VERSION

    @property
    def checkable(self) -> bool:
        return self.readable and self.fingerprint is not None

    @property
    def described(self) -> str:
        """`certified by ana on 2026-06-30`, with what is known of it."""
        return "certified" + (f" by {self.by}" if self.by else "") + (f" on {self.on}" if self.on else "")


def certification_of(metric: Metric, keys: MetaKeys) -> Certification | None:
    """The certification of a metric whose `kpi` meta is a mapping holding `certified`."""
    flag = metric.meta.get(keys.kpi)
    if flag is None or not isinstance(flag.value, dict) or CERTIFIED_KEY not in flag.value:
        return None
    # Imported here: a lint of a project that certifies nothing never loads the fingerprinting.
    from .definition_fingerprint import Fingerprint
    positions = getattr(flag.value, "key_positions", None) or {}
    location = Location(flag.location.path, *positions[CERTIFIED_KEY]) if CERTIFIED_KEY in positions else flag.location
    certified = flag.value[CERTIFIED_KEY]
    if not isinstance(certified, dict):
        return Certification(None, None, None, location, readable=False)
    on = certified.get(ON_KEY, certified.get(True))  # a bare `on:` is YAML 1.1's true
    return Certification(
        by=_text(certified.get(BY_KEY)),
        on=on.isoformat() if isinstance(on, datetime.date) else _text(on),
        fingerprint=Fingerprint.parse(certified.get(FINGERPRINT_KEY)),
        location=location,
    )


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def joined(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
