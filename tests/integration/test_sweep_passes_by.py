"""A day-to-day sweep passes by the agencies that owe nothing new, and finds exactly what working every agency
out finds: twin databases play the demo state forward over two quarter turns, one sweeping with its marks and
one working every agency out each day, with people added, assigned and removed along the way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import create_engine, select

from roadmap.bootstrap import Application, build
from roadmap.domain.contact import Contact, Role
from roadmap.services.demo import build_demo
from roadmap.services.demo_year import CountingSender, Month, simulate_year
from roadmap.services.due import due_slice, state_due
from roadmap.services.sweep import sweep_in_process
from roadmap.settings import load_settings
from roadmap.store.tables import OutboxRow

START = date(2026, 11, 23)


def add_director(app: Application, day: date) -> None:
    """A second director, at the agency with the longest-overdue item: full sweeps owe her its latest notice."""
    late = state_due(app.uow(), app.roadmap, app.cadence, as_of=day, within_days=0, people=False)
    agency = min(late, key=lambda item: item.due_on).agency
    with app.uow() as uow:
        uow.contacts.add(Contact(agency=agency, role=Role.DIRECTOR, name="Dana Cole", email="dana@example.org"))
        uow.commit()


def add_state_lead(app: Application, day: date) -> None:
    with app.uow() as uow:
        uow.contacts.add(Contact(role=Role.STATE_LEAD, name="Kim Ortiz", email="kim@state.example"))
        uow.commit()


def remove_director(app: Application, day: date) -> None:
    with app.uow() as uow:
        dana = next(c for c in uow.contacts.listed() if c.name == "Dana Cole")
        assert dana.id is not None
        uow.contacts.remove(dana.id)
        uow.commit()


CHANGES: list[tuple[int, Callable[[Application, date], None]]] = [
    (12, add_director), (47, add_state_lead), (80, remove_director), (140, lambda app, day: None),
]  # fmt: skip


def play(url: str, *, full: bool) -> tuple[list[Month], list[tuple[object, ...]], list[tuple[int, ...]], int]:
    """The demo state played forward 140 days, people changing between stretches: the months, the outbox, each
    day-after sweep's counts (agencies, stalled, items due, reminders queued) and how many agencies were passed by."""
    app = build(load_settings(url))
    passed, after = 0, []
    try:
        app.database.upgrade()
        build_demo(app.uow(), app.roadmap, app.scale, app.cadence, as_of=START)
        months: list[Month] = []
        day = START
        for until, change in CHANGES:
            months += simulate_year(app.uow, app.policies, start=day, days=until - (day - START).days, full=full)
            day = START + timedelta(days=until)
            change(app, day)
            # The day after a change: what was kept must not hide it.
            outcome = sweep_in_process(app.uow, app.policies, CountingSender(), as_of=day,
                                       now=datetime.combine(day, time(13), UTC), full=full)  # fmt: skip
            counts = outcome.batches
            passed += counts.agencies - counts.worked_out
            after.append((counts.agencies, counts.stalled, counts.due_items, counts.reminders_queued))
            # The due list the pages read, moved on day by day for the agencies passed by, is the live one.
            kept = due_slice(app.uow(), app.roadmap, app.cadence, as_of=day, within_days=3650, limit=10_000)
            live = state_due(app.uow(), app.roadmap, app.cadence, as_of=day, within_days=3650, people=False)
            assert kept.items == live, day
    finally:
        app.close()
    engine = create_engine(url)
    with engine.connect() as connection:
        columns = (OutboxRow.key, OutboxRow.queued_on, OutboxRow.status, OutboxRow.contact_id)
        outbox = [tuple(row) for row in connection.execute(select(*columns).order_by(OutboxRow.key))]
    engine.dispose()
    return months, outbox, after, passed


def test_passing_agencies_by_finds_what_working_every_one_out_finds(two_databases: tuple[str, str]) -> None:
    months, outbox, after, passed = play(two_databases[0], full=False)
    every_months, every_outbox, every_after, none_passed = play(two_databases[1], full=True)
    assert none_passed == 0 and passed > 0
    assert months == every_months  # reminders queued and sent, stalls and items due, month by month
    assert outbox == every_outbox
    assert after == every_after
    # The day after a director and a state lead were added, each was owed the latest notices of what was late.
    assert after[0][3] > 0 and after[1][3] > 0
