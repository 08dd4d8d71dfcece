"""The child process of `SparkService.run` (spark.py): runs its steps on one Spark session.

Every dbt invocation is dbt's programmatic runner in this process, so dbt-spark's session method
finds the Spark session the first one started, with the tables built so far. Usage:
`python spark_steps.py PLAN_JSON`; the results are written, step by step, to the plan's file.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner, dbtRunnerResult


def run_dbt(args: list[str]) -> dict[str, Any]:
    result = dbtRunner().invoke(args)
    return {"ok": result.success, "exit_code": None, "stdout": "", "stderr": _failures(result), "rows": None}


def run_cli(args: list[str]) -> dict[str, Any]:
    from dbt_kpi_lint.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            exit_code = main(args)
        except SystemExit as exit:  # argparse
            exit_code = int(exit.code or 0)
    return {"ok": True, "exit_code": exit_code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "rows": None}


def read_rows(args: list[str]) -> dict[str, Any]:
    [sql] = args
    result = dbtRunner().invoke(["show", "--inline", sql, "--limit", "-1"])
    if not result.success or result.result is None:
        return {"ok": False, "exit_code": None, "stdout": "", "stderr": _failures(result), "rows": None}
    table = result.result.results[0].agate_table  # type: ignore[union-attr]
    rows = [{name: _plain(value) for name, value in zip(table.column_names, row)} for row in table.rows]
    return {"ok": True, "exit_code": None, "stdout": "", "stderr": "", "rows": rows}


def jvm_pid(_: list[str]) -> dict[str, Any]:
    """The process id of the JVM behind dbt-spark's session (run a dbt step first), asked of the JVM itself."""
    from pyspark.sql import SparkSession

    # dbt's session, made in one of its threads: getActiveSession() sees only this thread's.
    session = SparkSession.builder.getOrCreate()
    pid = session._jvm.java.lang.ProcessHandle.current().pid()  # type: ignore[union-attr]
    return {"ok": True, "exit_code": None, "stdout": "", "stderr": "", "rows": [{"pid": int(pid)}]}


def _plain(value: Any) -> Any:
    """A JSON value: numbers as floats, days and times as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _failures(result: dbtRunnerResult) -> str:
    if result.exception is not None:
        return str(result.exception)
    nodes = getattr(result.result, "results", None) or []
    return "\n".join(f"{node.node.name}: {node.message}" for node in nodes if str(node.status) in ("error", "fail"))


STEPS = {"dbt": run_dbt, "dbt-kpi-lint": run_cli, "rows": read_rows, "jvm-pid": jvm_pid}


def main(plan: dict[str, Any]) -> int:
    results_path = Path(plan["results"])
    results: list[dict[str, Any]] = []
    for kind, *args in plan["steps"]:
        results.append({"step": [kind, *args], **STEPS[kind](args)})
        results_path.write_text(json.dumps(results), encoding="utf-8")
        if not results[-1]["ok"]:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
