"""Shared fixtures: a database per test on SQLite and (when configured) PostgreSQL, and an in-process CLI."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, make_url, select, text
from sqlalchemy.engine import URL

from roadmap.cli.app import main
from tests.smtp import smtp  # noqa: F401  (a fixture for every test module)

POSTGRES_URL = os.environ.get("IPS_ROADMAP_TEST_POSTGRES_URL")
# CI sets this: a PostgreSQL test that is skipped or cannot connect then fails the run.
REQUIRE_POSTGRES = os.environ.get("IPS_ROADMAP_REQUIRE_POSTGRES") == "1"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not POSTGRES_URL and not REQUIRE_POSTGRES, reason="set IPS_ROADMAP_TEST_POSTGRES_URL to run"
            ),
        ],
    ),
]


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Commands that write into the working directory (demo, default SQLite file) never touch the checkout;
    tables are printed at the width piped output gets (a parallel worker inherits a terminal's COLUMNS)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a new, empty database on the parametrised backend, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'roadmap.db'}"
        return
    yield from new_postgres_database()


@pytest.fixture(params=BACKENDS)
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new, empty databases on the same parametrised backend (twins to compare), dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'first.db'}", f"sqlite:///{tmp_path / 'second.db'}"
        return
    first, second = new_postgres_database(), new_postgres_database()
    yield next(first), next(second)
    for rest in (first, second):
        next(rest, None)


@pytest.fixture(params=[p for p in BACKENDS if p.id == "postgresql"])
def postgres_database() -> Iterator[str]:
    """A URL to a new, empty PostgreSQL database, dropped afterwards."""
    yield from new_postgres_database()


def new_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database's URL while the generator runs; dropped when it ends."""
    if not POSTGRES_URL:
        pytest.fail("IPS_ROADMAP_REQUIRE_POSTGRES=1 but IPS_ROADMAP_TEST_POSTGRES_URL is not set")
    admin_url = make_url(POSTGRES_URL)
    name = f"ips_roadmap_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Result:
    """What a user sees after one command."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, f"exit {self.code}: {self.err}"
        return json.loads(self.out)


class Cli:
    """Runs `ips-roadmap --database-url URL ...` in this process and captures what it prints."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = url
        self._capsys = capsys

    def __call__(self, *args: str) -> Result:
        self._capsys.readouterr()
        code = main(["--database-url", self.url, *args])
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.code == 0, f"{args} exited {result.code}: {result.err}"
        return result

    def on(self, url: str) -> Cli:
        """The same CLI bound to another database (a restore target, say)."""
        return Cli(url, self._capsys)


@pytest.fixture
def cli(database_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """An in-process CLI bound to a fresh, initialised database."""
    runner = Cli(database_url, capsys)
    runner.ok("init")
    return runner


@pytest.fixture
def bare_cli(database_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """An in-process CLI bound to a fresh database that `init` has not touched."""
    return Cli(database_url, capsys)


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a refused command wrote nothing."""
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
        with engine.connect() as connection:
            return {
                table: sorted(map(tuple, connection.execute(select(text("*")).select_from(text(table)))), key=repr)
                for table in sorted(tables)
            }
    finally:
        engine.dispose()


def postgres_url_with_password(password: str) -> URL:
    """The configured PostgreSQL URL with a password put in (for masking tests)."""
    return make_url(POSTGRES_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test").set(password=password)


_postgres_outcomes: dict[str, int] = {"passed": 0, "skipped": 0, "failed": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "[postgresql" in report.nodeid and (report.when == "call" or report.outcome == "skipped"):
        _postgres_outcomes[report.outcome] = _postgres_outcomes.get(report.outcome, 0) + 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not REQUIRE_POSTGRES or session.config.option.collectonly:
        return
    if _postgres_outcomes["passed"] == 0 or _postgres_outcomes["skipped"]:
        session.exitstatus = 1
        print(f"\nPostgreSQL tests were required but did not all run: {_postgres_outcomes}")


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One local Prefect test server for the whole session (it takes 15-20 s to start here), quiet and fast.

    Only tests that run flows ask for it, so the rest of the suite never imports Prefect.
    """
    quiet = {
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home")),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    }
    saved = {name: os.environ.get(name) for name in quiet}
    os.environ.update(quiet)
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    try:
        # The flow heartbeat (a thread joined at exit) costs ~1 s per flow run; production keeps it.
        with (
            prefect_test_harness(server_startup_timeout=90),
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        ):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
