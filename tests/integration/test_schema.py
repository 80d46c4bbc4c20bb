"""`init` creates and upgrades the schema through migrations only; other commands need it first."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from dateutil.relativedelta import relativedelta
from sqlalchemy import create_engine, text

from roadmap.store.database import Database
from roadmap.store.tables import Base
from tests.conftest import Cli, snapshot


def test_init_creates_the_schema_and_is_safe_to_run_twice(bare_cli: Cli) -> None:
    first = bare_cli.ok("init", "--json").json()
    assert (first["revision_before"], first["revision"]) == (None, "0018")
    bare_cli.ok("agency", "add", "Riverbend", "--region", "North", "--timezone", "America/Chicago")
    before = snapshot(bare_cli.url)
    second = bare_cli.ok("init", "--json").json()
    assert (second["revision_before"], second["revision"]) == ("0018", "0018")
    assert snapshot(bare_cli.url) == before


def test_the_schema_the_code_checks_for_is_the_newest_migration() -> None:
    # Commands check the database's revision against a constant (so they start without Alembic): it must be the
    # head of the migrations the package ships, or every command would refuse a database `init` just made.
    database = Database("sqlite://")
    assert database.head_revision() == database.migrations_head() is not None


def test_the_migrations_build_exactly_the_tables_the_code_expects(bare_cli: Cli) -> None:
    bare_cli.ok("init")
    engine = create_engine(bare_cli.url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_commands_on_an_uninitialised_database_ask_for_init(bare_cli: Cli) -> None:
    result = bare_cli("agency", "list")
    assert result.code == 2
    assert "run `ips-roadmap init`" in result.err


def test_upgrading_a_state_that_has_agencies_counts_routines_from_the_upgrade(bare_cli: Cli) -> None:
    database = Database(bare_cli.url)
    try:
        assert database.upgrade("0004") == (None, "0004")  # the schema before routines existed
        with database.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO agencies (slug, name, region, timezone, joined_on, launched_on) VALUES "
                "('riverbend', 'Riverbend', 'North', 'America/Chicago', '2024-01-08', '2024-03-04')"
            ))  # fmt: skip
            connection.execute(text(
                "INSERT INTO agency_stages (agency_id, stage_key, started_on, forced) "
                "SELECT id, 'supervisor-expertise', '2024-03-04', false FROM agencies"
            ))  # fmt: skip
    finally:
        database.dispose()
    assert bare_cli.ok("init", "--json").json()["revision"] == "0018"
    today = date.today()
    items = bare_cli.ok("due", "--as-of", today.isoformat(), "--within", "400", "--json").json()
    meetings = [i for i in items if i["subject"].startswith("supervisor-meeting:")]
    # Counted from the upgrade, not from the 2024 launch: nothing has been overdue for two years.
    assert [i["due_on"] for i in meetings] == [(today + relativedelta(months=3)).isoformat()]


def test_upgrading_keeps_links_made_before_signed_tokens_listed_but_revoked(bare_cli: Cli) -> None:
    database = Database(bare_cli.url)
    try:
        assert database.upgrade("0008") == (None, "0008")
        with database.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO agencies (slug, name, region, timezone, joined_on) VALUES "
                "('riverbend', 'Riverbend', 'North', 'America/Chicago', '2024-01-08')"
            ))  # fmt: skip
            connection.execute(text(
                "INSERT INTO access_links (agency_id, secret_hash, label, expires_on) "
                "SELECT id, :hash, 'director', '2027-06-30' FROM agencies"
            ), {"hash": "ab" * 32})  # fmt: skip
    finally:
        database.dispose()
    assert bare_cli.ok("init", "--json").json()["revision"] == "0018"
    # Its secret cannot be signed: it is listed as revoked, and a new link works.
    assert [(link["label"], link["revoked"]) for link in bare_cli.ok("link", "list", "--json").json()] == [
        ("director", True)
    ]
    made = bare_cli.ok("link", "create", "riverbend", "--json").json()
    assert made["revoked"] is False and "/a/" in made["url"]
