"""What a fixture does when the program behind its service is not installed."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def on_ci() -> bool:
    """True when running under CI, which sets `CI=true`."""
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> NoReturn:
    """Skip the requesting test on a developer machine; fail it on CI.

    A developer without PostgreSQL or Chromium still runs the rest of the suite, but CI must
    never turn green by skipping the tests of a service it failed to install.
    """
    if on_ci():
        pytest.fail(f"{reason} (CI=true: a missing service fails the run, see .ci/run)", pytrace=False)
    pytest.skip(reason)
