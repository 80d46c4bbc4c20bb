"""`ips-roadmap user ...`: people who sign in, their roles, personal tokens; the database file kept owner-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from flows.environment import prepare
from tests.conftest import Cli, snapshot


def test_users_are_added_listed_and_disabled_with_every_change_in_the_trail(cli: Cli) -> None:
    cli.ok("trainer", "add", "Tia Moss", "--region", "North", "--capacity", "2", "--reviewer")
    added = cli.ok("user", "add", "Lee.Lead@State.Example", "--name", "Lee Lead", "--role", "admin")
    assert "Lee Lead <lee.lead@state.example> may sign in as admin" in added.out
    cli.ok("user", "add", "cora@state.example", "--name", "Cora Diaz", "--role", "coordinator",
           "--region", "North", "--region", "East")  # fmt: skip
    cli.ok("user", "add", "tia@state.example", "--name", "Tia Moss", "--role", "trainer", "--trainer", "tia moss")
    listed = {user["email"]: user for user in cli.ok("user", "list", "--json").json()}
    assert listed["cora@state.example"]["regions"] == ["North", "East"]
    assert listed["tia@state.example"]["trainer"] == "Tia Moss"  # the record's own spelling
    assert all(user["active"] and user["last_seen"] is None for user in listed.values())
    last = cli("user", "disable", "lee.lead@state.example")
    assert last.code == 2 and "the last admin: add another admin before disabling them" in last.err
    cli.ok("user", "add", "sam@state.example", "--name", "Sam Reed", "--role", "admin")
    cli.ok("user", "disable", "LEE.LEAD@state.example")
    assert not {u["email"]: u for u in cli.ok("user", "list", "--json").json()}["lee.lead@state.example"]["active"]
    trail = cli.ok("audit", "--json").json()
    users = [(e["key"], e["action"], e["actor"], e["via"]) for e in trail if e["subject"] == "user"]
    assert [(key, action) for key, action, _, _ in users] == [
        ("lee.lead@state.example", "added"), ("cora@state.example", "added"), ("tia@state.example", "added"),
        ("sam@state.example", "added"), ("lee.lead@state.example", "changed"),
    ]  # fmt: skip
    assert all(via == "cli" for _, _, _, via in users)


def test_a_refused_user_is_one_line_and_writes_nothing(cli: Cli) -> None:
    before = snapshot(cli.url)
    for args, said in (
        (("--role", "coordinator"), "a coordinator needs at least one --region"),
        (("--role", "trainer", "--trainer", "Nobody"), "no trainer 'Nobody'"),
        (("--role", "boss"), "--role 'boss' is not one of admin, coordinator, trainer, viewer"),
        (("--role", "viewer", "--region", "North"), "--region is for coordinators only"),
    ):
        result = cli("user", "add", "x@state.example", "--name", "X", *args)
        assert result.code == 2 and said in result.err and result.err.count("\n") == 1, result.err
    cli.ok("user", "add", "x@state.example", "--name", "X", "--role", "viewer")
    taken = cli("user", "add", "X@state.example", "--name", "Y", "--role", "viewer")
    assert taken.code == 2 and "x@state.example is already a user" in taken.err
    assert snapshot(cli.url)["users"] != before["users"]  # only the one good add landed
    assert len(snapshot(cli.url)["users"]) == 1


def test_a_personal_token_is_shown_once_kept_as_a_hash_and_revoked(cli: Cli) -> None:
    cli.ok("user", "add", "ana@state.example", "--name", "Ana Lytic", "--role", "viewer")
    made = cli.ok("user", "token", "ana@state.example", "--days", "30", "--json").json()
    secret = made["token"]
    assert len(secret) >= 40 and made["kind"] == "api" and not made["revoked"]
    stored = repr(snapshot(cli.url))
    assert secret not in stored  # only its SHA-256 digest is kept
    listed = cli.ok("user", "tokens", "--json").json()
    assert "token" not in listed[0] and listed[0]["user"] == "ana@state.example"
    cli.ok("user", "token", "--revoke", str(made["id"]))
    assert cli.ok("user", "tokens", "ana@state.example", "--json").json()[0]["revoked"] is True
    calendar = cli("user", "token", "ana@state.example", "--calendar")
    assert calendar.code == 2 and "calendar tokens are for trainers" in calendar.err
    too_long = cli("user", "token", "ana@state.example", "--days", "400")
    assert too_long.code == 2 and "--days must be between 1 and 366" in too_long.err


def test_the_sqlite_database_is_created_owner_only_and_an_open_one_is_tightened(tmp_path: Path, bare_cli: Cli) -> None:
    path = tmp_path / "state.db"
    fresh = bare_cli.on(f"sqlite:///{path}")
    old = os.umask(0o022)  # as a shell usually has it
    try:
        fresh.ok("init")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        path.chmod(0o644)
        again = fresh.ok("init")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "was readable by other users (644); it is now owner-only (600)" in again.err


def test_an_action_plan_step_is_closed_with_what_was_done(cli: Cli) -> None:
    cli.ok("demo", "--as-of", "2026-11-23")
    slug = "riverbend-community-mental-health"
    step = next(a for a in cli.ok("actions", "list", slug, "--json").json() if a["done_on"] is None)
    closed = cli.ok("actions", "done", slug, str(step["id"]), "--on", "2026-11-20", "--as-of", "2026-11-23",
                    "--note", "Job development log started for every specialist", "--json").json()  # fmt: skip
    assert closed["done_note"] == "Job development log started for every specialist"
    entry = [e for e in cli.ok("audit", slug, "--json").json() if e["subject"] == "action"][-1]
    assert entry["after"]["done_note"] == "Job development log started for every specialist"


def test_what_a_command_writes_is_its_owners_alone(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    old = os.umask(0o022)  # as a shell usually has it
    try:
        cli.ok("demo", "--as-of", "2026-11-23")
        cli.ok("export", "--out", str(tmp_path / "state.json"))
        cli.ok("report", "quarter", "--out", str(tmp_path / "quarter.html"), "--as-of", "2026-11-23")
        cli.ok("visits", "ics", "--trainer", "Tia Moss", "--out", str(tmp_path / "tia.ics"))
        # Prefect's local state (its own SQLite database among it) goes in a folder only its owner can open.
        monkeypatch.delenv("PREFECT_HOME", raising=False)
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
        prepare(tmp_path / "data")
    finally:
        os.umask(old)
    for name in ("state.json", "quarter.html", "tia.ics"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((tmp_path / "data" / "prefect").stat().st_mode) == 0o700
