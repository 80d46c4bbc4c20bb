"""The demo state without its people (contacts, trainers, and so no outbox), for tests that add their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from roadmap.bootstrap import build
from roadmap.services.demo import build_demo
from roadmap.settings import load_settings
from tests.conftest import Cli


def demo_without_contacts(cli: Cli, as_of: str) -> Cli:
    """The demo's agencies, reviews and routines through the same use case `demo` runs, with no contacts or trainers.

    Built directly rather than through `ips-roadmap demo`: that command also sends the demo's reminders and
    writes a report, which these tests would only undo (and which cost seconds per test).
    """
    app = build(load_settings(cli.url))
    try:
        app.database.upgrade()
        build_demo(app.uow(), app.roadmap, app.scale, app.cadence, as_of=date.fromisoformat(as_of))
        with app.uow() as uow:
            uow.trainers.delete_all()
            uow.contacts.delete_all()
            uow.commit()
    finally:
        app.close()
    assert cli.ok("contact", "list", "--json").json() == []
    assert cli.ok("outbox", "list", "--json").json() == []
    return cli


def more_agencies(cli: Cli, folder: Path, count: int, *, as_of: str) -> None:
    """`count` more launched agencies in one region, imported from a CSV written into `folder`."""
    rows = "\n".join(f"Extra Agency {n},East,America/New_York,2026-01-{n % 28 + 1:02d}" for n in range(count))
    (folder / "more.csv").write_text("name,region,timezone,launched\n" + rows + "\n")
    cli.ok("import", "agencies", str(folder / "more.csv"), "--as-of", as_of)
