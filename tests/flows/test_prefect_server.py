"""Scale-out the way Prefect does it: a `prefect server start` on PostgreSQL, a process work pool, the daily
sweep deployed to it, a worker that runs it. Every process the test starts, it stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from notifications.smtp_sink import SmtpSink, free_port
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, Cli

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(not POSTGRES_URL and not REQUIRE_POSTGRES, reason="needs PostgreSQL for the server")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL what is left (a worker may not exit once its server is gone)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real Prefect server with its own PostgreSQL database; yields the environment that reaches it."""
    assert POSTGRES_URL, "IPS_ROADMAP_TEST_POSTGRES_URL is not set"
    admin_url = make_url(POSTGRES_URL)
    name = f"prefect_server_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    port = free_port()
    home = tmp_path_factory.mktemp("prefect-server")
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    server_env = {
        **env,
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": admin_url.set(
            drivername="postgresql+asyncpg", database=name
        ).render_as_string(hide_password=False),
    }
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
        env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (home / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the Prefect server did not become healthy in 120 s"
            time.sleep(0.5)
        yield env
    finally:
        stop(server)
        log.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{args[:3]} exited {done.returncode}: {done.stdout[-1500:]} {done.stderr[-1500:]}"
    return done.stdout


def test_a_worker_on_a_work_pool_runs_the_deployed_sweep(
    prefect_server: dict[str, str],
    postgres_database: str,
    capsys: pytest.CaptureFixture[str],
    smtp: SmtpSink,
    tmp_path: Path,
) -> None:
    # The team's set-up, end to end: the state on PostgreSQL (the sweep itself runs on SQLite in test_sweep_flow).
    bare_cli = Cli(postgres_database, capsys)
    bare_cli.ok("demo", "--as-of", "2026-11-23")
    preview = bare_cli.ok("notify", "preview", "--as-of", "2026-12-01", "--json").json()
    before = {(e["kind"], e["agency"], e["recipient"], e["due_on"], e["offset_days"])
              for e in bare_cli.ok("outbox", "list", "--json").json()}  # fmt: skip
    # What is owed on 1 December and was not already sent when the demo ran on 23 November.
    owed = {(r["kind"], r["agency"], r["recipient"], r["due_on"], r["offset_days"]) for r in preview} - before
    assert owed
    env = {**prefect_server, "IPS_ROADMAP_DATABASE_URL": bare_cli.url, "IPS_ROADMAP_MAIL_URL": smtp.url}
    pool = f"pool-{uuid.uuid4().hex[:6]}"
    run(env, str(BIN / "prefect"), "work-pool", "create", pool, "--type", "process")
    deployed = run(env, str(BIN / "ips-roadmap"), "deploy", "--pool", pool)
    assert "Deployed daily-sweep/daily-sweep (daily at 06:00 America/Chicago)" in deployed
    assert f"quarterly-summary/quarterly-summary (1 Feb, May, Aug, Nov) to work pool {pool!r}" in deployed
    worker_log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [str(BIN / "prefect"), "worker", "start", "--pool", pool, "--limit", "1"],
        env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        # --watch waits for the run to finish and exits non-zero unless it completed.
        run(env, str(BIN / "prefect"), "deployment", "run", "daily-sweep/daily-sweep",
            "--param", "as_of=2026-12-01", "--watch", "--watch-timeout", "240", timeout=300)  # fmt: skip
    finally:
        stop(worker)
        worker_log.close()
    written = bare_cli.ok("outbox", "list", "--json").json()
    swept = {
        (e["kind"], e["agency"], e["recipient"], e["due_on"], e["offset_days"])
        for e in written
        if e["status"] == "sent" and str(e["sent_at"]).startswith("2026-12-01")
    }
    assert swept == owed  # exactly what was owed that day, queued and sent by the worker's run
    assert smtp.received  # and delivered to the mail server
