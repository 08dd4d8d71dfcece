"""Generated hostile input: whatever a project holds, the linter answers, in bounded time and memory.

Each case is a dbt project with one good file (a KPI without an owner: KPI001 at 2:5) beside
generated bad input: a schema file built from the values and shapes that broke the linter before
(issue 13) mixed at random, byte-level damage to a valid file, metric graphs, or unusable project
files, manifests, baselines and `--vars`. Every case runs as its own process, as a user runs it,
under a memory cap and a timeout. A case passes when the run:

- ends within CASE_SECONDS and within CASE_MEMORY_BYTES of address space (else MemoryError, an
  internal error),
- exits 0 or 1 with a JSON report (2 only for unusable project-level input, in one line),
- prints no internal error and no traceback,
- still reports the good file's finding: a malformed file never hides another file's findings.

`--fix` cases also check that no comment of a rewritten file is lost. Set
KPI_LINT_GENERATED_EXAMPLES to run more cases than CI's.
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
from hostile_yaml import ALIAS_BOMB, BOMB_ALIAS, indented
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dbt_kpi_lint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CASE_SECONDS = 10  # a case takes well under a second; the margin is for a busy 2-core machine
CASE_MEMORY_BYTES = 1024**3  # beyond what the case's process had when forked
EXAMPLES = int(os.environ.get("KPI_LINT_GENERATED_EXAMPLES", "0"))
GOOD_FILE = "models/good.yml"
GOOD_KPI = """\
metrics:
  - name: good_signups
    type: simple
    type_params: {measure: signups}
    config:
      meta: {kpi: true, target: 10, direction: increase, objective: grow, indicator: leading}
"""
GOOD_FINDING = ("KPI001", GOOD_FILE, 2, 5)


def examples(ci_default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or ci_default,
        deadline=None,
        derandomize=bool(os.environ.get("CI")),  # the same cases on every CI run; new ones locally
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# What broke the linter before, and its neighbours -----------------------------------------------------

ANCHORS = "anchors:\n" + indented(ALIAS_BOMB, 2)
HOSTILE_SCALARS = [
    "2024-02-30", "2024-13-01", "2024-01-01 25:00:00", "0000-01-01", "!!int abc", "!!int", "!!float ''",
    "!!bool maybe", "!!timestamp x", "!!timestamp {=: 2020-01-01}", "!!map [1]", "!!seq {a: 1}", "!!set {[1]: 2}",
    "!!omap [1]", "!!binary '@@'", "!!python/object:os.system x", "!custom x", "1" * 4301, "0x" + "f" * 3600,
    "1" + "0" * 25, "1" + "0" * 400 + ":00", "1e400", ".nan", "-.inf", "{? [a, b] : c}", "{[1]: 2}", "&r [*r]", "*undefined",
    BOMB_ALIAS, f"{{<<: {BOMB_ALIAS}}}", "\"\\x00\"", "\"\\ud800\"", "\"\\U0010ffff\"", "'" + "x" * 5000 + "'", "|\n  block\n  text",
    "\"{{ var('t', {[1]: 2}) }}\"", "\"{{ var('x', " + " " * 3000 + "1 ) }\"", "\"{{ var('loop') }}\"",
    "\"{{ var('t', 0x" + "f" * 4000 + ") }}\"", "\"{{ var('t', " + "[" * 300 + "]" * 300 + ") }}\"",
    "\"{{ var('" + "v" * 3000 + "') }}\"", "\"{{ env_var('X') }}\"", "\"{{\"", "yes", "off", "~", "''", "[]", "{}",
    "'2024-02-30'", "'!!int abc'", "'" + "1" * 4301 + "'", "'" + "(" * 100_000 + "a - b" + ")" * 100_000 + "'",
]
nested = st.integers(min_value=1, max_value=1300).map(lambda depth: "[" * depth + "]" * depth)
hostile_values = st.one_of(
    st.sampled_from(HOSTILE_SCALARS),
    nested,
    st.text(max_size=40).map(json.dumps),  # any text, as a JSON (so YAML double-quoted) string
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
metric_keys = st.sampled_from(["label", "description", "group", "type", "agg", "expr", "filter", "window"])
meta_keys = st.sampled_from(["kpi", "owner", "target", "direction", "objective", "indicator", "at_risk_band", "grain", "kpi_lint"])


@st.composite
def hostile_metric(draw: st.DrawFn, number: int) -> str:
    """A metric entry whose fields and meta values are drawn from the hostile values."""
    lines = [f"  - name: m{number}", f"    {draw(metric_keys)}: {draw(hostile_values)}"]
    kind = draw(st.sampled_from(["simple", "cumulative", "ratio", "derived"]))
    lines += [f"    type: {kind}", "    type_params:"]
    if kind == "ratio":
        lines += [f"      numerator: m{draw(st.integers(0, 40))}", f"      denominator: m{draw(st.integers(0, 40))}"]
    elif kind == "derived":
        lines += [f"      expr: m{number + 1}", f"      metrics: [m{number + 1}, {{name: m{draw(st.integers(0, 40))}}}]"]
    else:
        lines += ["      measure: x"]
    for where in draw(st.sampled_from([["    meta:"], ["    config:\n      meta:"], ["    meta:", "    config:\n      meta:"]])):
        indent = " " * (where.count("\n") * 2 + 6)
        meta = [f"{draw(meta_keys)}: {draw(hostile_values)}" for _ in range(draw(st.integers(0, 3)))]
        lines += [where, f"{indent}kpi: true", *(f"{indent}{line}" for line in meta)]
    return "\n".join(lines) + "\n"


@st.composite
def hostile_schema_file(draw: st.DrawFn) -> bytes:
    """A schema file of hostile metrics, maybe damaged byte by byte, maybe re-encoded."""
    metrics = "".join(draw(hostile_metric(number)) for number in range(draw(st.integers(1, 6))))
    metrics += "  - {name: m0, type: simple}\n" * draw(st.sampled_from([0, 0, 1, 5000]))  # one name defined again and again
    text = (ANCHORS if draw(st.booleans()) else "") + "version: 2\nmetrics:\n" + metrics
    raw = text.encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 3))):
        raw = draw(byte_damage(raw))
    line_break = draw(st.sampled_from(["\n", "\r", "\r\n", "\x85", "\u2028"]))
    if line_break != "\n":
        raw = raw.replace(b"\n", line_break.encode())
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"---\n"]))
    return prefix + raw


@st.composite
def byte_damage(draw: st.DrawFn, raw: bytes) -> bytes:
    at = draw(st.integers(0, len(raw)))
    damage = draw(st.sampled_from(["insert", "delete", "truncate", "replace"]))
    if damage == "truncate":
        return raw[:at]
    if damage == "delete":
        return raw[:at] + raw[at + draw(st.integers(1, 40)) :]
    inserted = draw(
        st.one_of(
            st.binary(min_size=1, max_size=8),
            st.sampled_from([b"\x00", b"\t", b"{", b"[", b"&a ", b"*a", b"!!", b": ", b"- ", b"'", b'"', b"#", b"\\x6d"]),
        )
    )
    return raw[:at] + inserted + raw[at + (damage == "replace") :]


@st.composite
def metric_graph(draw: st.DrawFn) -> str:
    """Thousands of metrics chained, with cycles and double inputs, under a KPI."""
    size = draw(st.integers(2, 3000))
    kinds = draw(st.lists(st.sampled_from(["derived", "ratio", "cumulative"]), min_size=1, max_size=3))
    lines = ["metrics:", "  - name: k", "    type: ratio", "    type_params: {numerator: g0, denominator: g0}",
             "    config: {meta: {kpi: true, owner: a, target: -1, direction: increase}}"]
    for number in range(size):
        following = f"g{(number + 1) % size if draw(st.booleans()) else number + 1}"  # sometimes a cycle
        kind = kinds[number % len(kinds)]
        if kind == "ratio":
            params = f"{{numerator: {following}, denominator: {following}}}"
        elif kind == "derived":
            params = f"{{expr: {following}, metrics: [{following}]}}"
        else:
            params = "{measure: x}" if number == size - 1 else f"{{metric: {following}}}"
        lines.append(f"  - {{name: g{number}, type: {kind}, type_params: {params}}}")
    return "\n".join(lines) + "\n"


# Running one case -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


def lint(root: Path, *args: str) -> Run:
    """`dbt-kpi-lint ARGS` in `root`, in a child process under the memory cap and the timeout.

    Forked from this one, which has imported the linter already: a case costs its lint, not an
    interpreter start. When another test left threads running, forking could inherit a lock one
    of them holds, so a fresh interpreter runs the case instead.
    """
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        if threading.active_count() == 1:
            pid = os.fork()
            if pid == 0:
                _lint_in_child(root, args, stdout.fileno(), stderr.fileno())
        else:
            pid = subprocess.Popen([sys.executable, "-c", _SPAWNED_LINT, *args], cwd=root, stdout=stdout, stderr=stderr).pid
        exit_code = _wait(pid, root, args)
        stdout.seek(0)
        stderr.seek(0)
        run = Run(exit_code, stdout.read().decode("utf-8", "replace"), stderr.read().decode("utf-8", "replace"))
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    return run


_SPAWNED_LINT = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({CASE_MEMORY_BYTES},) * 2)
from dbt_kpi_lint.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _lint_in_child(root: Path, args: tuple[str, ...], stdout: int, stderr: int) -> NoReturn:
    exit_code = 99
    try:
        address_space = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (address_space + CASE_MEMORY_BYTES,) * 2)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        # Strict UTF-8, as a terminal or a CI log takes the report.
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8")
        os.chdir(root)
        exit_code = main(list(args))
    except BaseException:  # noqa: BLE001 - a traceback is what the parent looks for
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001 - an unwritable report still ends the child
                pass
        os._exit(exit_code)


def _wait(pid: int, root: Path, args: tuple[str, ...]) -> int:
    deadline = time.monotonic() + CASE_SECONDS
    while True:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"no answer within {CASE_SECONDS} s: {args} in {sorted(str(path) for path in root.rglob('*'))}")
        time.sleep(0.002)


def write_project(root: Path, files: dict[str, bytes | str]) -> Path:
    for relative, content in {"dbt_project.yml": "name: p\n", GOOD_FILE: GOOD_KPI, **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return root


def reported(run: Run) -> list[tuple[str, str, int, int]]:
    return [(item["code"], item["path"], item["line"], item["column"]) for item in json.loads(run.stdout)]


def assert_linted_with_the_good_finding(run: Run) -> None:
    assert run.exit_code == 1, run.stderr
    assert GOOD_FINDING in reported(run)


def assert_answered(run: Run) -> None:
    """Linted (the good finding shown) or refused in one line, as unusable project-level input may be."""
    if run.exit_code == 2:
        assert run.stderr.startswith("dbt-kpi-lint: error: ") and run.stderr.count("\n") == 1, run.stderr
    else:
        assert_linted_with_the_good_finding(run)


# The properties ---------------------------------------------------------------------------------------


@examples(ci_default=80)
@given(content=hostile_schema_file(), report=st.sampled_from(["text", "github", "sarif", "junit"]), fix_first=st.booleans())
def test_a_hostile_schema_file_is_findings_and_never_hides_another_files(content: bytes, report: str, fix_first: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory), {"models/hostile.yml": content})
        if fix_first:
            lint(root, "check", "--fix", "--format", "json", ".")

        assert_linted_with_the_good_finding(lint(root, "check", "--format", "json", "."))
        other_format = lint(root, "check", "--format", report, ".")
        assert (other_format.exit_code, GOOD_FILE in other_format.stdout) == (1, True), other_format.stderr


@examples(ci_default=12)
@given(graph=metric_graph())
def test_a_metric_graph_of_any_shape_is_judged_in_bounded_time(graph: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory), {"models/graph.yml": graph})

        assert_linted_with_the_good_finding(lint(root, "check", "--format", "json", "."))


project_files = st.one_of(
    hostile_values.map(lambda value: {"dbt_project.yml": f"name: p\nvars:\n  t: {value}\nmetrics:\n  +meta:\n    note: {value}\n"}),
    hostile_values.map(lambda value: {"dbt_project.yml": f"name: p\nmetrics:\n  p:\n    +meta: {{kpi_lint: {value}}}\n"}),
    hostile_values.map(lambda value: {".dbt-kpi-lint.toml": f"max-kpis-per-owner = {value}\n"}),
    st.sampled_from(["[z-a]", "!", "\\", "[", "**/x[", "\x00"]).map(lambda line: {".dbtignore": f"{line}\n"}),
    st.sampled_from(["tool = 1", "[tool]\ndbt-kpi-lint = 1", "x = " + "[" * 2000 + "]" * 2000, "x = 0x" + "f" * 4000]).map(
        lambda text: {"pyproject.toml": f"# dbt-kpi-lint\n{text}\n"}
    ),
)


@examples(ci_default=30)
@given(files=project_files, vars_value=st.one_of(st.none(), hostile_values.map(lambda value: f"{{t: {value}}}")))
def test_hostile_project_files_and_vars_are_linted_or_refused_in_one_line(files: dict[str, str], vars_value: str | None) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory), files)
        arguments = ["--vars", vars_value] if vars_value is not None else []

        run = lint(root, "check", "--format", "json", *arguments, ".")

        if ".dbtignore" in files and run.exit_code != 2:
            assert run.exit_code in (0, 1)  # a pattern may exclude the good file itself
        else:
            assert_answered(run)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


def entries_of(manifest: dict, section: str) -> list[dict]:
    if section == "metadata":
        return [manifest["metadata"]]
    entries = [entry for value in manifest[section].values() for entry in (value if isinstance(value, list) else [value])]
    return [entry for entry in entries if isinstance(entry, dict)]


@examples(ci_default=20)
@given(
    node=st.sampled_from(["metrics", "groups", "semantic_models", "disabled", "metadata"]),
    field=st.sampled_from(["package_name", "original_file_path", "name", "meta", "config", "type_params", "owner"]),
    value=st.one_of(JSON_VALUES, st.just("x" * 5000), st.integers(1, 800).map(lambda depth: json.loads("[" * depth + "]" * depth))),
)
def test_a_hostile_manifest_is_linted_or_refused_in_one_line(node: str, field: str, value: object) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory), {})
        manifest = json.loads((FIXTURES / "manifest_v11/manifest.json").read_text())
        for entry in entries_of(manifest, node):
            entry[field] = value
        (root / "target").mkdir()
        (root / "target/manifest.json").write_text(json.dumps(manifest))

        run = lint(root, "check", "--format", "json", "--manifest", "target/manifest.json")

        if run.exit_code == 2:
            assert run.stderr.startswith("dbt-kpi-lint: error: ") and run.stderr.count("\n") == 1, run.stderr
        else:
            json.loads(run.stdout)


comments = st.sampled_from(["  # promoted by the board", "  # who: ops", "", "", "  #"])
own_line_comments = st.sampled_from(["", "", "      # on a line of its own\n", "\n", "  # less indented\n"])


@st.composite
def fixable_metric(draw: st.DrawFn) -> str:
    """A legacy metric whose top-level meta (block or flow) and window --fix moves: comments at the
    ends of lines and on lines of their own, keys in any order."""
    first, second, third = (draw(comments) for _ in range(3))
    above_first, above_second, above_third = (draw(own_line_comments) for _ in range(3))
    if draw(st.booleans()):
        meta = (
            f"    meta:{draw(comments)}\n{above_first}      kpi: true{first}\n{above_second}"
            f"      owner: ops@example.com{second}\n{above_third}      target: 5{third}\n"
        )
    else:
        meta = (
            f"    meta: {{{first}\n{above_first}      kpi: true,{second}\n{above_second}"
            f"      owner: ops@example.com,\n{above_third}      target: 5}}{third}\n"
        )
    window = f"    type_params:\n{draw(own_line_comments)}      window: 7 days{draw(comments)}\n      measure: orders\n"
    parts = [meta, window, "    type: cumulative\n"]
    body = [parts[index] for index in draw(st.permutations(range(3)))]
    body.insert(draw(st.integers(0, 3)), "    name: orders_7d\n")
    return "metrics:\n" + body[0].replace("    ", "  - ", 1) + "".join(body[1:])


def comments_of(text: str) -> list[str]:
    return sorted(line[line.index("#") :].strip() for line in text.splitlines() if "#" in line)


@examples(ci_default=30)
@given(metric=fixable_metric())
def test_fix_loses_no_comment_and_fixes_what_it_says_in_one_run(metric: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = write_project(Path(directory), {"models/fixable.yml": metric})

        fix = lint(root, "check", "--fix", "--select", "META001,DEP001", "--format", "json", ".")
        after = (root / "models/fixable.yml").read_text()

        assert comments_of(after) == comments_of(metric)
        not_fixed = fix.stderr.count("not fixed")
        remaining = lint(root, "check", "--select", "META001,DEP001", "--format", "json", ".")
        assert len(reported(remaining)) == not_fixed, (fix.stderr, after)
