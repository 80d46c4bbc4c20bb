"""How long the daily sweep takes over N agencies with years of history, as a real Prefect flow run.

Compared with the bare SQL work a sweep cannot avoid: reading the rows it needs (agencies, stages, checklist
marks, review history, action steps, routine dates, contacts, outbox keys), inserting the reminder rows it
queued, and, per person reminded, one transaction writing their entries' delivery state (delivery commits each
person's outcome before the next person's message goes, so that a crash cannot send it twice), with
SQLAlchemy Core, no domain objects and no messages written. Prefect's temporary local server is started before timing.

Two sweeps are timed: the first (a neglected state: every reminder owed since 2023 is queued and sent), then
the next day's (what a state runs every day after). Each is set against two bare minimums: `bare`, the reads
and writes above, which is what working every agency out needs; and `kept`, what a sweep that passes agencies
by cannot avoid (each agency's kept mark, who can be reminded, the due list moved on a day, the kept stage
durations, the outbox's ready entries). `worked` is how many agencies the sweep worked out. A third, `+mail`, is
`bare` plus apprise's own work for the messages: one message per person reminded, replayed from those the sink
received, each through a fresh apprise object as delivery uses (apprise's email channel costs about 1.4 ms a
message here before any network, mostly its HTML-to-text conversion: at 10,000 people twice the bare SQL).
Messages go through apprise to a sink that accepts them in
this process (a `benchsink://` channel registered with apprise's own decorator), so the sweep pays apprise's
per-message cost but no network's, and the next day finds them sent, as it would in use.
Run: `make bench` (BENCH_SWEEP_AGENCIES="1000 10000" to change; BENCH_POSTGRES_URL to add PostgreSQL).
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from bench_agencies import ZONES, bare_record, fresh_database, insert_bare_reminders
from sqlalchemy import create_engine, select, update

from flows.environment import prepare
from roadmap.bootstrap import build
from roadmap.domain.contact import Contact, Role
from roadmap.services.agencies import launch_agency
from roadmap.services.imports import import_agencies, parse_agencies_csv
from roadmap.settings import Settings
from roadmap.store.tables import (
    ActionRow,
    AgencyRow,
    ChecklistMarkRow,
    ContactRow,
    DueStandingRow,
    OutboxRow,
    ReviewRow,
    RoutineDoneRow,
    StageDurationRow,
    StageRow,
    SweepMarkRow,
    TrainerAgencyRow,
)

JOINED = date(2023, 1, 9)
SWEEP_ON = date(2026, 11, 23)
LAUNCHED = date(2025, 6, 1)


def build_state(url: str, count: int) -> None:
    """N agencies (a third launched in 2025 with two reviews each), a director each, a state lead."""
    app = build(Settings(database_url=url))  # type: ignore[arg-type]
    app.database.upgrade()
    rows = ["name,region,timezone"] + [f"Agency {n:05d},Region {n % 12},{ZONES[n % 4]}" for n in range(count)]
    csv = ("\n".join(rows) + "\n").encode()
    # Entered in 2023 (tracked since then, never swept); a third launch IPS services in June 2025.
    import_agencies(app.uow(), app.roadmap, parse_agencies_csv(csv), as_of=JOINED)
    for number in range(0, count, 3):
        launch_agency(app.uow(), app.roadmap, f"agency-{number:05d}", on=LAUNCHED, as_of=LAUNCHED)
    with app.uow() as uow:
        for number in range(count):
            uow.contacts.add(Contact(agency=f"agency-{number:05d}", role=Role.DIRECTOR, name=f"Director {number}",
                                     email=f"director{number}@agency.example"))  # fmt: skip
        uow.contacts.add(Contact(role=Role.STATE_LEAD, name="State Lead", email="lead@state.example"))
        uow.commit()
    app.close()
    bare_record(url, count)


def bare_sweep(url: str, queued: int, day: date = SWEEP_ON) -> tuple[float, int]:
    """Read what a sweep reads, insert as many reminder rows as it queued, record each person's delivery; seconds
    and the number of people.

    Run after the sweep: the delivery writes rewrite the rows the sweep queued, unchanged, one person at a time.
    """
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.begin() as connection:
        for table in (AgencyRow, StageRow, ChecklistMarkRow, ActionRow, ContactRow, RoutineDoneRow):
            connection.execute(select(table.__table__)).all()
        connection.execute(select(ReviewRow.agency_id, ReviewRow.visited_on, ReviewRow.total)).all()
        connection.execute(select(OutboxRow.key)).all()
        insert_bare_reminders(connection, queued, day)
        connection.rollback()
    with engine.connect() as connection:
        people = connection.execute(select(OutboxRow.contact_id).where(OutboxRow.queued_on == day).distinct())
        reminded = people.scalars().all()
        for person in reminded:
            unchanged = update(OutboxRow).where(OutboxRow.contact_id == person, OutboxRow.queued_on == day)
            connection.execute(unchanged.values(attempts=OutboxRow.attempts))
            connection.commit()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, len(reminded)


def bare_messages(mail: str, people: int) -> float:
    """Apprise's own work for one message per person, in seconds: each hands a message the sweep sent (replayed
    from the sink's sample) to a fresh apprise object for the person's address, as delivery does."""
    import apprise

    start = time.perf_counter()
    for number in range(people):
        title, body = RECEIVED[number % len(RECEIVED)]
        sender = apprise.Apprise()
        sender.add(f"{mail}?to=person{number}%40agency.example")
        sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.HTML)
    return time.perf_counter() - start


def bare_kept(url: str, day: date) -> float:
    """What a sweep that passes agencies by reads and writes at the least, in seconds: every agency with its
    kept mark and due-list day, who can be reminded (contacts, trainers assigned), each agency's due-list day
    moved on (rolled back after), the kept stage durations, and what the outbox holds ready to send."""
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.begin() as connection:
        marks = (
            select(AgencyRow.slug, AgencyRow.generation, SweepMarkRow.__table__, DueStandingRow.computed_for)
            .outerjoin(SweepMarkRow, SweepMarkRow.agency_id == AgencyRow.id)
            .outerjoin(DueStandingRow, DueStandingRow.agency_id == AgencyRow.id)
        )
        connection.execute(marks).all()
        connection.execute(select(ContactRow.agency_id, ContactRow.id, ContactRow.role)).all()
        connection.execute(select(TrainerAgencyRow.__table__)).all()
        moved = update(DueStandingRow).values(computed_for=day, stage_days=DueStandingRow.stage_days + 1)
        connection.execute(moved)
        connection.execute(select(StageDurationRow.stage, StageDurationRow.days)).all()
        connection.execute(select(OutboxRow.contact_id).where(OutboxRow.status == "pending").distinct()).all()
        connection.rollback()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


# The first messages the sink accepted, as the sweep wrote them (HTML): what `bare_messages` replays.
RECEIVED: list[tuple[str, str]] = []
SAMPLE = 500


def accept_every_message() -> str:
    """Register the `benchsink://` channel: apprise hands it each message and it accepts; returns the mail URL.

    It takes messages as apprise's email channel does, in HTML, and makes their plain-text part as that channel
    does for every email (apprise's HTML-to-text conversion). Left out: the network, and the channel's building
    of the MIME message itself (about a third of its work on an 11 KB message), in the sweep and `+mail` alike."""
    from apprise import NotifyFormat
    from apprise.conversion import convert_between
    from apprise.decorators import notify
    from apprise.manager_plugins import NotificationManager

    @notify(on="benchsink")
    def accept(body: str, title: str, notify_type: str, *args: object, **kwargs: object) -> bool:
        convert_between(NotifyFormat.HTML, NotifyFormat.TEXT, body)
        if len(RECEIVED) < SAMPLE:
            RECEIVED.append((title, body))
        return True

    NotificationManager()["benchsink"].notify_format = NotifyFormat.HTML
    return "benchsink://mail.example"


def task_runs(run_id: str) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        time.sleep(3)  # task runs are recorded from events, just after the flow returns
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)])))
        return len(runs)


def main() -> None:
    counts = [int(n) for n in os.environ.get("BENCH_SWEEP_AGENCIES", "1000 10000").split()]
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    mail = accept_every_message()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("PREFECT_HOME", str(Path(folder) / "prefect"))
        prepare(Path(folder))
        from flows.runtime import lend
        from flows.sweep import daily_sweep

        rows = []
        for kind in ("sqlite", "postgresql") if postgres else ("sqlite",):
            for count in counts:
                url, drop = fresh_database(kind, postgres, Path(folder))
                try:
                    build_state(url, count)
                    app = build(Settings(database_url=url, mail_url=mail))  # type: ignore[arg-type]
                    with lend(app):
                        daily_sweep(as_of=date(2000, 1, 3))  # starts Prefect's server; no agency had joined
                        for label, day in (("first", SWEEP_ON), ("next day", SWEEP_ON + timedelta(days=1))):
                            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                            start = time.perf_counter()
                            summary = daily_sweep(as_of=day)
                            seconds = time.perf_counter() - start
                            peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, before) / 1024
                            tasks = task_runs(summary["flow_run_id"])
                            bare, people = bare_sweep(url, summary["reminders_queued"], day)
                            mailed = bare + bare_messages(mail, people)
                            kept = bare_kept(url, day)
                            rows.append((kind, count, label, seconds, bare, mailed, kept, tasks, summary, peak))
                    app.close()
                finally:
                    drop()
    print(f"{'backend':<10} {'agencies':>8} {'sweep':<8} {'sweep s':>8} {'bare s':>7} {'ratio':>6} {'+mail s':>7} "
          f"{'ratio':>6} {'kept s':>7} {'ratio':>6} {'tasks':>5} {'worked':>7} {'due':>7} {'queued':>7} {'sent':>7} "
          f"{'peak MB':>8}")  # fmt: skip
    for kind, count, label, seconds, bare, mailed, kept, tasks, summary, peak in rows:
        print(f"{kind:<10} {count:>8} {label:<8} {seconds:8.2f} {bare:7.2f} {seconds / bare:6.1f} {mailed:7.2f} "
              f"{seconds / mailed:6.1f} {kept:7.2f} {seconds / kept:6.1f} {tasks:>5} {summary['worked_out']:>7} "
              f"{summary['due_items']:>7} "
              f"{summary['reminders_queued']:>7} {summary['reminders_sent']:>7} {peak:8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
