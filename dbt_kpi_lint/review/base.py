"""The project as it was at the merge base, read by the same YAML loader as the work tree.

The merge base of `--base` and HEAD is what a pull request is compared with (work that landed
on the base branch meanwhile is not the pull request's). Its files are read from git's object
store, never checked out: `git ls-tree` lists the tree and one `git cat-file --batch` process
returns the blobs, written into a temporary directory for the loader. No `git worktree` (it
writes into the repository's `.git` and checks out every model) and no `git archive` of the
whole tree: on the 2,000-model benchmark project, writing its 4,000 files took longer than the
rest of the review.

A pull request changes few files, and a YAML file that is the same on both sides is read the
same on both sides when `dbt_project.yml` and `.dbtignore` are too (vars, inherited configs and
which files are read come from those). So only the changed YAML files are loaded at the merge
base, and the metrics, semantic models, groups, suppressions and problems of every other file
are taken from the work tree's project: the merge base costs a fraction of a second load. When
`dbt_project.yml` or `.dbtignore` changed, every YAML file of the merge base is written and
loaded.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping, TypeVar

from ..git import Git, GitError
from ..kpi.semantic_manifest import LEGACY_TIME_SPINE_MODEL
from ..loading.dbt_project import DBTIGNORE_FILE, PROJECT_FILE, ProjectError, read_dbt_project
from ..loading.generated_paths import GeneratedPaths
from ..loading.source import Source, load_linted_project
from ..loading.yaml_loader import read_schema_files
from ..model import Project

OPTION = "--base"
_LEGACY_TIME_SPINE_FILE = f"{LEGACY_TIME_SPINE_MODEL}.sql"
_REGULAR_FILE_MODES = ("100644", "100755")
_Located = TypeVar("_Located")


@dataclass(frozen=True)
class MergeBase:
    commit: str
    project: Project | None  # None: the merge base has no dbt_project.yml here
    changed: frozenset[str]  # project-relative paths that differ in the work tree (untracked included)

    @property
    def short(self) -> str:
        return self.commit[:7]


def load_merge_base(root: Path, base: str, head: Project, cli_vars: Mapping[str, Any] | None = None) -> MergeBase:
    """The project at the merge base of `base` and HEAD; `head` is the work tree's, loaded from `root`."""
    git = Git(root, OPTION)
    git.require_work_tree()
    commit = git.merge_base(base)
    changed = frozenset(_changed_paths(git, commit))
    tree = _tree(git, commit)
    if PROJECT_FILE not in tree:
        return MergeBase(commit, None, changed)
    whole = PROJECT_FILE in changed or DBTIGNORE_FILE in changed
    wanted = _wanted(tree, head, changed, whole)
    with tempfile.TemporaryDirectory(prefix="dbt-kpi-lint-base-") as scratch:
        base_root = Path(scratch) / (root.name or "project")
        for path, content in zip(wanted, _blobs(git, [tree[path] for path in wanted])):
            target = base_root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        try:
            loaded = load_linted_project(base_root, Source.YAML, cli_vars=cli_vars).project
        except ProjectError as error:
            message = f"{OPTION}: at the merge base {commit[:7]}: {error}".replace(f"{base_root}/", "")
            raise ProjectError(message) from None
    if whole:
        return MergeBase(commit, loaded, changed)
    return MergeBase(commit, _overlaid(root, head, loaded, changed, cli_vars), changed)


def _changed_paths(git: Git, commit: str) -> list[str]:
    listed = git.text(
        "-c", "core.quotepath=off", "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--", ".",
        error="`git diff` failed",
    )
    return [*filter(None, listed.split("\0")), *git.untracked_files()]


def _tree(git: Git, commit: str) -> dict[str, str]:
    """Project-relative path -> blob id of every regular file under the project at `commit`."""
    listed = git.text("ls-tree", "-r", "-z", commit, error=f"`git ls-tree {commit[:7]}` failed")
    tree = {}
    for entry in filter(None, listed.split("\0")):
        header, path = entry.split("\t", 1)
        mode, kind, blob = header.split(" ")
        if kind == "blob" and mode in _REGULAR_FILE_MODES:  # symbolic links and submodules hold no YAML
            tree[path] = blob
    return tree


def _wanted(tree: Mapping[str, str], head: Project, changed: frozenset[str], whole: bool) -> list[str]:
    """The merge base's files the loader needs: project settings, generated models, time spine, YAML."""
    always = {PROJECT_FILE, DBTIGNORE_FILE, *GeneratedPaths.of(head.model_paths).all()}
    return [
        path
        for path in tree
        if path in always
        or (PurePosixPath(path).name == _LEGACY_TIME_SPINE_FILE and (whole or path in changed))
        or (_is_yaml(path) and (whole or path in changed))
    ]


def _is_yaml(path: str) -> bool:
    return path.lower().endswith((".yml", ".yaml"))


def _blobs(git: Git, blobs: list[str]) -> list[bytes]:
    """The content of each blob, from one `git cat-file --batch` process."""
    if not blobs:
        return []
    request = "".join(f"{blob}\n" for blob in blobs).encode()
    output = git.run("cat-file", "--batch", error="`git cat-file` failed", stdin=request)
    contents = []
    position = 0
    for blob in blobs:
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split(b" ")
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(f"{OPTION}: git has no blob {blob} of the merge base")
        size = int(header[2])
        contents.append(output[header_end + 1 : header_end + 1 + size])
        position = header_end + 1 + size + 1  # the content is followed by a newline
    return contents


def _overlaid(
    root: Path, head: Project, base_part: Project, changed: frozenset[str], cli_vars: Mapping[str, Any] | None
) -> Project:
    """`head` with what its changed files define replaced by `base_part`, what they defined at the merge base."""
    dbt_project = read_dbt_project(root)
    # The changed files the work tree's load read; any other held nothing the loader keeps.
    read = {*head.files, *(problem.location.path for problem in head.problems)}
    files = [
        (root / path, _source_path(path, dbt_project.source_paths))
        for path in sorted(changed)
        if path in read or (PurePosixPath(path).name == _LEGACY_TIME_SPINE_FILE and (root / path).is_file())
    ]
    # Disabled metrics and time spines carry no location: they are known from the changed files read alone.
    head_part = read_schema_files(dbt_project, files, cli_vars).build()
    replaced_spines = {spine.model for spine in head_part.time_spines}
    disabled = Counter(head.disabled_metrics) - Counter(head_part.disabled_metrics)
    disabled += Counter(base_part.disabled_metrics)
    order = _WalkOrder(dbt_project.source_paths, changed)
    return replace(
        base_part,
        metrics=order.merged(head.metrics, base_part.metrics),
        semantic_models=order.merged(head.semantic_models, base_part.semantic_models),
        groups={group.name: group for group in order.merged(head.groups.values(), base_part.groups.values())},
        noqa={**{key: value for key, value in head.noqa.items() if key[0] not in changed}, **base_part.noqa},
        problems=order.merged(head.problems, base_part.problems),
        files=tuple(sorted({*(path for path in head.files if path not in changed), *base_part.files}, key=order.key)),
        disabled_metrics=tuple(disabled.elements()),
        time_spines=(
            *(spine for spine in head.time_spines if spine.model not in replaced_spines),
            *base_part.time_spines,
        ),
    )


def _source_path(path: str, source_paths: Iterable[str]) -> str:
    """The source path the loader finds `path` under: the first that holds it."""
    return next((source for source in source_paths if source == "." or path.startswith(source + "/")), ".")


class _WalkOrder:
    """The loader's order of files (source paths in order, each directory's files by name before its
    subdirectories), so that merged definitions stand where a full load would put them."""

    def __init__(self, source_paths: Iterable[str], changed: frozenset[str]) -> None:
        self._source_paths = tuple(source_paths)
        self._changed = changed

    def key(self, path: str) -> tuple[Any, ...]:
        *directories, name = PurePosixPath(path).parts
        holding = (
            index for index, source in enumerate(self._source_paths) if source == "." or path.startswith(source + "/")
        )
        source = next(holding, len(self._source_paths))
        return (source, *((1, directory) for directory in directories), (0, name))

    def merged(self, kept: Iterable[_Located], added: Iterable[_Located]) -> tuple[_Located, ...]:
        """`kept` but what lies in changed files, with `added`, in file order."""
        items = [item for item in kept if _path(item) not in self._changed] + list(added)
        return tuple(sorted(items, key=lambda item: (self.key(_path(item)), item.location)))  # type: ignore


def _path(item: Any) -> str:
    return str(item.location.path)
