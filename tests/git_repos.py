"""Helpers for tests that build git repositories: run git as a test identity, commit, edit files."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(repo: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *arguments],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def edit(repo: Path, path: str, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new`; `old` must be there."""
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
