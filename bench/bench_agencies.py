"""How long the core takes with a national-scale state: import N agencies, record reviews, list, see what is due.

Each figure is compared with the bare minimum the work needs: the same rows inserted (or read) with one
SQLAlchemy Core statement in one transaction, no validation, no domain objects. Run: `make bench`
(N=5000 by default; BENCH_AGENCIES to change; BENCH_POSTGRES_URL to add a PostgreSQL run).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, create_engine, insert, make_url, select, text

from roadmap.bootstrap import Application, build
from roadmap.services.agencies import list_agencies
from roadmap.services.demo import demo_scores
from roadmap.services.imports import import_agencies, parse_agencies_csv
from roadmap.services.reviews import record_review, reviews_due
from roadmap.settings import Settings
from roadmap.store.tables import (
    ActionRow,
    AgencyRow,
    AuditRow,
    ChecklistMarkRow,
    OutboxRow,
    ReviewRow,
    ScoreRow,
    StageRow,
)

AS_OF = date(2026, 11, 23)
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")


def agencies_csv(count: int) -> bytes:
    rows = ["name,region,timezone,launched"]
    for number in range(count):
        launched = "2025-06-01" if number % 3 == 0 else ""
        rows.append(f"Agency {number:05d},Region {number % 12},{ZONES[number % 4]},{launched}")
    return ("\n".join(rows) + "\n").encode()


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def fresh_database(kind: str, postgres: str | None, folder: Path) -> tuple[str, Callable[[], None]]:
    """A URL to a new empty database and a function that removes it."""
    if kind == "sqlite":
        path = folder / f"{uuid.uuid4().hex}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    assert postgres
    admin_url = make_url(postgres)
    name = f"ips_roadmap_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def on_each_database(counts_variable: str, default: str, run: Callable[[str, str, int], None]) -> None:
    """run(label, url, count) on a fresh SQLite database, and PostgreSQL too when BENCH_POSTGRES_URL is set."""
    counts = [int(n) for n in os.environ.get(counts_variable, default).split()]
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as folder:
        for kind in ["sqlite", "postgresql"] if postgres else ["sqlite"]:
            for count in counts:
                url, drop = fresh_database(kind, postgres, Path(folder))
                try:
                    run("SQLite" if kind == "sqlite" else "PostgreSQL", url, count)
                finally:
                    drop()


def written_by_import(url: str) -> dict[Table, list[dict[str, Any]]]:
    """Every row the import wrote (agencies, their stages and checklist marks, the audit trail's entries)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {
            table: [dict(row._mapping) for row in connection.execute(select(table))]
            for table in (_table(AgencyRow), _table(StageRow), _table(ChecklistMarkRow), _table(AuditRow))
        }
    engine.dispose()
    return found


def bare_insert(url: str, rows: dict[Table, list[dict[str, Any]]]) -> None:
    """The minimum: the same rows the import wrote, one executemany per table, one transaction (the ids come
    with them, so no statement has to return any)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        for table, values in rows.items():
            if values:
                connection.execute(insert(table), values)
    engine.dispose()


def _table(row: type) -> Table:
    return cast(Table, row.__table__)  # type: ignore[attr-defined]


def record_reviews(app: Application, count: int) -> None:
    """Two reviews for every launched agency (every third), each its own command and transaction."""
    for number in range(0, count, 3):
        for visited_on, total in ((date(2025, 12, 1), 88), (date(2026, 6, 1), 101)):
            record_review(
                app.uow(), app.scale, app.cadence, f"agency-{number:05d}",
                visited_on=visited_on, scores=demo_scores(total), reviewers=["Bench"], as_of=AS_OF,
                roadmap=app.roadmap,
            )  # fmt: skip


def bare_record(url: str, count: int) -> None:
    """The minimum for recording reviews one by one: per review one transaction inserting its rows."""
    engine = create_engine(url)
    with engine.connect() as connection:
        agency_ids = dict(connection.execute(select(AgencyRow.slug, AgencyRow.id)).tuples().all())
    for number in range(0, count, 3):
        for visited_on, total in ((date(2025, 12, 1), 88), (date(2026, 6, 1), 101)):
            scores = demo_scores(total)
            with engine.begin() as connection:
                agency_id = agency_ids[f"agency-{number:05d}"]
                review_id = connection.execute(
                    insert(ReviewRow).returning(ReviewRow.id),
                    {"agency_id": agency_id, "visited_on": visited_on, "total": total, "reviewers": ["Bench"]},
                ).scalar_one()
                connection.execute(
                    insert(ScoreRow), [{"review_id": review_id, "item": i, "score": v} for i, v in scores.items()]
                )
                step = {
                    "agency_id": agency_id,
                    "review_id": review_id,
                    "criterion": "c",
                    "step": "s",
                    "due_on": visited_on,
                }
                low = [step | {"item": i, "score": v} for i, v in scores.items() if v <= 3]
                if low:
                    connection.execute(insert(ActionRow), low)
    engine.dispose()


def bare_due(url: str) -> None:
    """The minimum for what is due: launch dates and review (date, total) rows."""
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execute(select(AgencyRow.slug, AgencyRow.launched_on)).all()
        connection.execute(select(ReviewRow.agency_id, ReviewRow.visited_on, ReviewRow.total)).all()
    engine.dispose()


def bare_read(url: str) -> None:
    """The minimum: fetch every agency, stage and checklist row."""
    engine = create_engine(url)
    with engine.connect() as connection:
        for table in (AgencyRow, StageRow, ChecklistMarkRow, ReviewRow):
            connection.execute(select(table.__table__)).all()
    engine.dispose()


def measure(kind: str, postgres: str | None, count: int, folder: Path) -> list[tuple[str, float, float]]:
    data = agencies_csv(count)
    url, drop = fresh_database(kind, postgres, folder)
    try:
        app = build(Settings(database_url=url))  # type: ignore[arg-type]
        app.database.upgrade()
        lines = parse_agencies_csv(data)
        imported = timed(lambda: import_agencies(app.uow(), app.roadmap, lines, as_of=AS_OF))
        written = written_by_import(url)
        reviewed = timed(lambda: record_reviews(app, count))
        listed = timed(lambda: list_agencies(app.uow(), app.roadmap, app.cadence, as_of=AS_OF))
        due = timed(lambda: reviews_due(app.uow(), app.cadence, as_of=AS_OF))
        app.close()
        bare_read_seconds = timed(lambda: bare_read(url))
        bare_due_seconds = timed(lambda: bare_due(url))
    finally:
        drop()
    url, drop = fresh_database(kind, postgres, folder)
    try:
        app = build(Settings(database_url=url))  # type: ignore[arg-type]
        app.database.upgrade()
        app.close()
        bare_insert_seconds = timed(lambda: bare_insert(url, written))
        bare_record_seconds = timed(lambda: bare_record(url, count))
    finally:
        drop()
    launched = len(range(0, count, 3))
    return [
        (f"import {count} agencies ({kind})", imported, bare_insert_seconds),
        (f"record {2 * launched} reviews, one by one ({kind})", reviewed, bare_record_seconds),
        (f"list {count} agencies ({kind})", listed, bare_read_seconds),
        (f"reviews due, {launched} launched ({kind})", due, bare_due_seconds),
    ]


def insert_bare_reminders(connection: Connection, count: int, on: date) -> None:
    """`count` outbox rows in one executemany: the least queueing reminders can cost (the caller rolls back)."""
    now = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    row = {"kind": "fidelity-review", "status": "pending", "contact_id": 1, "agency": "a", "subject": "s",
           "title": "t", "stage": "monitoring", "due_on": on, "offset_days": 7, "escalation": False,
           "attempts": 0, "next_attempt_at": now, "queued_on": on}  # fmt: skip
    if count:
        connection.execute(insert(OutboxRow), [row | {"key": f"bare-{n}"} for n in range(count)])


def main() -> None:
    count = int(os.environ.get("BENCH_AGENCIES", "5000"))
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("sqlite", "postgresql") if postgres else ("sqlite",):
            rows += measure(kind, postgres, count, Path(folder))
    print(f"{'work':<44} {'seconds':>8} {'bare min':>9} {'ratio':>6}")
    for label, seconds, minimum in rows:
        print(f"{label:<44} {seconds:8.2f} {minimum:9.2f} {seconds / minimum:6.1f}")


if __name__ == "__main__":
    main()
