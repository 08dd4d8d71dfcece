"""Identities of findings that survive edits, for the CI formats that track alerts across runs.

A finding is its rule code and its subject (the metric, or for a finding about no metric its
file), never its line: an alert must not reopen because lines moved above it. The occurrence
number keeps two findings of one subject and rule apart. The baseline matches by the same
identity.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from ..findings import Finding


def fingerprints(findings: list[Finding]) -> list[str]:
    """One fingerprint per finding, in order, unique within the list."""
    occurrences: Counter[tuple[str, str]] = Counter()
    result = []
    for finding in findings:
        identity = (finding.code, _subject(finding))
        occurrences[identity] += 1
        code, subject = identity
        result.append(hashlib.sha256(f"{code}\0{subject}\0{occurrences[identity]}".encode()).hexdigest()[:32])
    return result


def _subject(finding: Finding) -> str:
    return f"metric:{finding.metric}" if finding.metric else f"path:{finding.location.path}"
