"""`init` creates and upgrades the schema through migrations only; other commands need it first."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from roadmap.store.tables import Base
from tests.conftest import Cli, snapshot


def test_init_creates_the_schema_and_is_safe_to_run_twice(bare_cli: Cli) -> None:
    first = bare_cli.ok("init", "--json").json()
    assert (first["revision_before"], first["revision"]) == (None, "0005")
    bare_cli.ok("agency", "add", "Riverbend", "--region", "North", "--timezone", "America/Chicago")
    before = snapshot(bare_cli.url)
    second = bare_cli.ok("init", "--json").json()
    assert (second["revision_before"], second["revision"]) == ("0005", "0005")
    assert snapshot(bare_cli.url) == before


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
