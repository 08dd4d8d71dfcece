"""Running git for the commands that compare with another revision (`check --diff-base`, `review`).

Every failure becomes a one-line GitError that says what to do (fetch the ref, fetch the history
of a shallow clone); none reaches the user as a traceback. Imported only by those commands, so
the lint path never loads subprocess.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .loading.dbt_project import ProjectError

FULL_HISTORY_HINT = "`git fetch --unshallow`, or actions/checkout with `fetch-depth: 0`"


class GitError(ProjectError):
    """The git history a command needs is missing or unreadable (exit code 2)."""


@dataclass(frozen=True)
class Git:
    """git in the work tree around `root`; `option` is what needs it, and opens every message."""

    root: Path
    option: str

    def run(self, *arguments: str, error: str, stdin: bytes | None = None) -> bytes:
        try:
            process = subprocess.run(
                ["git", *arguments], cwd=self.root, input=stdin, capture_output=True, check=False
            )
        except FileNotFoundError:
            raise GitError(f"{self.option} needs `git` on PATH") from None
        if process.returncode != 0:
            raise GitError(f"{self.option}: {error}")
        return process.stdout

    def text(self, *arguments: str, error: str) -> str:
        return self.run(*arguments, error=error).decode("utf-8", "surrogateescape")

    def require_work_tree(self) -> None:
        self.run("rev-parse", "--is-inside-work-tree", error=f"{self.root} is not inside a git repository")

    def merge_base(self, base: str) -> str:
        """The commit where HEAD's history left `base`'s: what a pull request is compared with."""
        try:
            self.run("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", error="")
        except GitError:
            shallow = f"; this clone is shallow: fetch it with its history ({FULL_HISTORY_HINT})"
            raise GitError(
                f"{self.option}: unknown git revision `{base}` (fetch it first, e.g. `git fetch origin main`)"
                f"{shallow if self.is_shallow() else ''}"
            ) from None
        try:
            return self.text("merge-base", base, "HEAD", error="").strip()
        except GitError:
            if self.is_shallow():
                reason = f"share no commit in this shallow clone: fetch the history ({FULL_HISTORY_HINT})"
            else:
                reason = "share no history; in a shallow clone fetch more (actions/checkout: `fetch-depth: 0`)"
            raise GitError(f"{self.option}: `{base}` and HEAD {reason}") from None

    def is_shallow(self) -> bool:
        return self.text("rev-parse", "--is-shallow-repository", error="`git rev-parse` failed").strip() == "true"

    def untracked_files(self) -> list[str]:
        """Files git does not track and does not ignore, relative to `root`."""
        listed = self.text("ls-files", "--others", "--exclude-standard", "-z", error="`git ls-files` failed")
        return [path for path in listed.split("\0") if path]
