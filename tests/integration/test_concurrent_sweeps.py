"""Two sweeps at once, as two overlapping schedulers would run them: real child processes on one database.

Every reminder is queued once and delivered once (counted in the mail the server received, not in the
outbox, which cannot tell a second send from the first), and both runs finish without an error.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from notifications.smtp_sink import SmtpSink
from roadmap.bootstrap import build
from roadmap.domain.contact import Contact, Role
from roadmap.settings import load_settings
from roadmap.store.database import Database
from tests.conftest import Cli, snapshot
from tests.integration.demo_state import demo_without_contacts

TODAY = "2026-11-23"
EXECUTABLE = str(Path(sys.executable).parent / "ips-roadmap")
PEOPLE_PER_AGENCY = 12  # enough people that the two deliveries overlap for seconds


def crowded_state(cli: Cli, people: int = PEOPLE_PER_AGENCY) -> int:
    """The demo's agencies with `people` reachable people each and a state lead; returns how many people."""
    demo_without_contacts(cli, TODAY)
    app = build(load_settings(cli.url))
    try:
        with app.uow() as uow:
            slugs = sorted(uow.agencies.slugs())
            for slug in slugs:
                for number in range(people):
                    role = Role.DIRECTOR if number == 0 else Role.IPS_SUPERVISOR
                    uow.contacts.add(Contact(agency=slug, role=role, name=f"Person {number} of {slug}",
                                             email=f"p{number}@{slug}.example"))  # fmt: skip
            uow.contacts.add(Contact(role=Role.STATE_LEAD, name="Sam Reed", email="sam@state.example"))
            uow.commit()
    finally:
        app.close()
    return len(slugs) * people + 1


def test_two_sweeps_at_once_queue_and_send_every_reminder_exactly_once(cli: Cli, smtp: SmtpSink) -> None:
    crowded_state(cli)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPS_ROADMAP_")}
    env |= {"IPS_ROADMAP_DATABASE_URL": cli.url, "IPS_ROADMAP_MAIL_URL": smtp.url}
    runs = [
        subprocess.Popen([EXECUTABLE, "notify", "flush", "--as-of", TODAY, "--json"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    results = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in results]
    counts = [json.loads(out) for out, _ in results]
    entries = cli.ok("outbox", "list", "--json").json()
    assert len(entries) > 200
    # Queued once: the two runs' counts add up to the outbox, whichever run queued which.
    assert sum(count["queued"] for count in counts) == len(entries)
    assert {(entry["status"], entry["attempts"]) for entry in entries} == {("sent", 1)}
    assert sum(count["sent"] for count in counts) == len(entries)
    # Sent once: every reminder line arrived in exactly one message, and nobody got the same line twice.
    lines: list[tuple[str, str]] = []
    for mail in smtp.received:
        text = next(part for part in mail.message.walk() if part.get_content_type() == "text/plain")
        body = text.get_payload(decode=True).decode()  # type: ignore[union-attr]
        lines += [(mail.recipients[0], line) for line in body.splitlines() if re.match(r"-\s+\S", line)]
    assert len(lines) == len(entries) == len(set(lines))


def test_on_sqlite_a_second_sweep_waits_then_stops_with_a_clear_message_and_no_partial_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    cli = Cli(url, capsys)
    cli.ok("demo", "--as-of", "2026-11-23")
    before = snapshot(url)
    monkeypatch.setenv("IPS_ROADMAP_SQLITE_WAIT_SECONDS", "0.5")
    holder = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what a running sweep holds while it writes a batch
        refused = cli("notify", "flush", "--as-of", "2027-01-15")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.code == 2 and refused.err.count("\n") == 1 and "Traceback" not in refused.err
    assert "is busy: another command (a sweep?) held its write lock for more than 0.5 s" in refused.err
    assert snapshot(url) == before
    assert sqlite3.connect(tmp_path / "state.db").execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cli.ok("notify", "flush", "--as-of", "2027-01-15")  # once the other is done, the same command does its work
    assert snapshot(url) != before


def test_postgres_connections_ask_the_server_to_probe_a_silent_client(postgres_database: str) -> None:
    # What releases a dead machine's claimed entries in minutes; settings the URL gives itself still apply.
    url = f"{postgres_database}?options=-c%20statement_timeout%3D5000"
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            shown = [
                connection.execute(text(f"SHOW {name}")).scalar()
                for name in (
                    "tcp_keepalives_idle",
                    "tcp_keepalives_interval",
                    "tcp_keepalives_count",
                    "statement_timeout",
                )
            ]
    finally:
        database.engine.dispose()
    assert shown == ["60", "10", "6", "5s"]
