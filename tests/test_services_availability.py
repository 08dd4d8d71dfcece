"""A test whose service is missing skips on a developer machine and fails on CI."""

from __future__ import annotations

import pytest
from services.availability import missing


def test_a_missing_service_skips_its_test_on_a_developer_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="chromium not found"):
        missing("chromium not found")


def test_a_missing_service_fails_its_test_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="chromium not found"):
        missing("chromium not found")
