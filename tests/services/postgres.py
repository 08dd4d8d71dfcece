"""A real PostgreSQL server for the session, from Debian's `postgresql` package.

The server is our own: `initdb` into a fresh temporary directory, listening on 127.0.0.1 only,
on a free port, with its unix socket in that directory. Whatever else runs on the machine (the
`15/main` cluster that installing Debian's package creates on port 5432, another test run's
server) is neither used nor disturbed.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from services.availability import missing
from services.profiles import add_default_target

# Debian installs the server programs here, off PATH (only the client wrappers are on PATH).
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
SERVER_OS_USER = "postgres"
START_TIMEOUT_S = 30
# A test database: durability costs time and buys nothing, the directory is deleted afterwards.
TEST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def find_bin_dir() -> Path | None:
    """The directory holding `initdb` and `pg_ctl`: Debian's newest major version, else PATH's."""

    def major(initdb: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", initdb.parent.parent.name))

    debian = sorted(DEBIAN_PG_ROOT.glob("*/bin/initdb"), key=major)
    if debian:
        return debian[-1].parent
    initdb = shutil.which("initdb")
    if initdb and (Path(initdb).parent / "pg_ctl").exists():
        return Path(initdb).parent
    return None


def _free_port() -> int:
    # Another process may take the port before the server binds it; start() retries on that.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """Connection facts of a running server, and helpers to give each test its own database.

    `user` is the server's superuser and authenticates with `password` over TCP (scram-sha-256).
    """

    host: str
    port: int
    user: str
    password: str
    dbname: str
    socket_dir: Path
    _names: Iterator[int] = field(default_factory=itertools.count, repr=False)

    def dsn(self, dbname: str | None = None) -> str:
        """A libpq connection string, for `psycopg2.connect(server.dsn())`."""
        return (
            f"host={self.host} port={self.port} user={self.user} password={self.password} "
            f"dbname={dbname or self.dbname}"
        )

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (by default with a new unique name) and return its name."""
        import psycopg2
        from psycopg2 import sql

        name = name or f"test_{os.getpid()}_{next(self._names)}"
        connection = psycopg2.connect(self.dsn())
        try:
            # CREATE DATABASE refuses to run inside a transaction.
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            connection.close()
        return name

    def write_dbt_profile(
        self,
        project_dir: Path,
        *,
        profile: str,
        target: str,
        dbname: str,
        schema: str = "public",
        threads: int = 1,
    ) -> Path:
        """Write (or add to) `project_dir/profiles.yml` a dbt-postgres `target` of `profile`.

        The target becomes the profile's default; other profiles and targets already in the file
        (a DuckDB `dev`, say) are kept. Returns the file's path.
        """
        output = {
            "type": "postgres",
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": dbname,
            "schema": schema,
            "threads": threads,
        }
        return add_default_target(project_dir, profile, target, output)


def _server_user() -> dict[str, Any]:
    """subprocess arguments that run the server programs as a user they accept."""
    if os.geteuid() != 0:
        return {}
    # initdb and postgres refuse to run as root.
    try:
        account = pwd.getpwnam(SERVER_OS_USER)
    except KeyError:
        missing(f"as root, PostgreSQL needs the OS user {SERVER_OS_USER!r} (Debian's package creates it)")
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


class _Cluster:
    """One data directory and the server on it, driven by initdb and pg_ctl."""

    def __init__(self, bin_dir: Path, base: Path, user: str, password: str) -> None:
        self.bin_dir = bin_dir
        self.base = base
        self.data = base / "data"
        self.log = base / "server.log"
        self.user = user
        self.password = password
        self.as_server_user = _server_user()

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin_dir / program), *args],
            cwd=self.base,  # the server user may not be allowed into the caller's directory
            capture_output=True,
            text=True,
            check=False,
            **self.as_server_user,
        )

    def initdb(self) -> None:
        self._chown(self.base)
        password_file = self.base / "password"
        password_file.write_text(self.password + "\n", encoding="utf-8")
        self._chown(password_file)
        done = self._run(
            "initdb",
            *("-D", str(self.data), "-U", self.user, f"--pwfile={password_file}"),
            *("--auth-local=trust", "--auth-host=scram-sha-256"),
            # --no-sync: nothing here needs to survive a crash of the machine
            *("--encoding=UTF8", "--no-locale", "--no-sync"),
        )
        password_file.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")

    def start(self, attempts: int = 3) -> int:
        """Start on a free port of 127.0.0.1 and return it, once the server accepts connections."""
        output = ""
        for _ in range(attempts):
            port = _free_port()
            # pg_ctl hands these options to a shell.
            socket_dir = shlex.quote(str(self.base))
            listen = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={socket_dir}"
            done = self._run(
                "pg_ctl",
                *("-D", str(self.data), "-l", str(self.log), "-w", "-t", str(START_TIMEOUT_S)),
                *("-o", f"{listen} {TEST_SETTINGS}", "start"),
            )
            if done.returncode == 0:
                return port
            output = done.stdout + done.stderr
            if "could not bind" not in self._log_text():
                break
        raise RuntimeError(f"pg_ctl start failed:\n{output}\n{self._log_text()}")

    def _log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the server if one runs on this directory (also after a start that failed half-way)."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _chown(self, path: Path) -> None:
        if self.as_server_user:
            os.chown(path, self.as_server_user["user"], self.as_server_user["group"])


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own for the session; stopped and deleted afterwards.

    Skips (developer machine) or fails (CI=true) when Debian's `postgresql` is not installed.

        def test_query(postgres: PostgresServer, tmp_path: Path) -> None:
            db = postgres.create_database()
            postgres.write_dbt_profile(tmp_path, profile="shop", target="pg", dbname=db)
            psycopg2.connect(postgres.dsn(db))
    """
    bin_dir = find_bin_dir()
    if bin_dir is None:
        missing("PostgreSQL server programs not found (apt-get install postgresql)")
    # Not under pytest's basetemp: that is private to root (0700), and the server runs as `postgres`.
    base = Path(tempfile.mkdtemp(prefix="kpi-lint-pg-"))
    cluster = _Cluster(bin_dir, base, user="kpi_lint", password="kpi_lint")
    try:
        cluster.initdb()
        port = cluster.start()
        yield PostgresServer(
            host="127.0.0.1",
            port=port,
            user=cluster.user,
            password=cluster.password,
            dbname="postgres",
            socket_dir=base,
        )
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
