"""What lets a day-to-day sweep pass an agency by: the first day it may owe a new reminder (next_reminder_on),
the first day its items may read differently (changes_after), and the mark that holds both."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.data import load_reminder_rules
from roadmap.domain.action_plan import ActionItem
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import standing
from roadmap.domain.contact import Contact, Role
from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.reminder_rules import next_reminder_on, reminders_owed
from roadmap.domain.routine import Occurrence
from roadmap.domain.sweep_mark import SweepMark
from roadmap.domain.visit import Visit
from stages import progression
from stages.context import AgencyContext
from stages.due import due_items
from stages.quiet import changes_after
from stages.stall import position
from tests.builders import GATES, ROADMAP, item_keys, make_agency

RULES = load_reminder_rules()
DUE = date(2027, 1, 20)
PEOPLE = [
    Contact(id=1, agency="riverbend", role=Role.DIRECTOR, name="Maria Lopez", email="maria@example.org"),
    Contact(id=4, role=Role.STATE_LEAD, name="Sam Reed", email="sam@example.org"),
    Contact(id=5, role=Role.TRAINER, name="Tia Moss", email="tia@example.org"),
]


def item(kind: DueKind, due_on: date, *, state_run: bool = False) -> DueItem:
    return DueItem(agency="riverbend", kind=kind, subject=f"{kind.value}:{due_on}", title="t", stage="monitoring",
                   due_on=due_on, state_run=state_run)  # fmt: skip


ITEMS = [
    item(DueKind.FIDELITY_REVIEW, DUE),
    item(DueKind.MEETING, DUE + timedelta(days=11), state_run=True),
    item(DueKind.CHECKLIST_ITEM, DUE - timedelta(days=50)),
]


def test_sweeping_only_on_the_days_named_queues_what_daily_sweeping_queues() -> None:
    start, end = DUE - timedelta(days=60), DUE + timedelta(days=40)
    daily: set[tuple[str, date]] = set()
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        daily |= {(r.key, day) for r in reminders_owed(ITEMS, PEOPLE, RULES, day, {key for key, _ in daily})}
    skipping: set[tuple[str, date]] = set()
    day, sweeps = start, 0
    while day <= end:
        sweeps += 1
        skipping |= {(r.key, day) for r in reminders_owed(ITEMS, PEOPLE, RULES, day, {key for key, _ in skipping})}
        day = next_reminder_on(ITEMS, RULES, day) or end + timedelta(days=1)
    assert skipping == daily
    assert len({day for _, day in daily}) == sweeps - 1  # the first sweep found the checklist item's late notice due
    assert sweeps < 15


def test_nothing_more_is_owed_once_every_offset_has_gone_by() -> None:
    assert next_reminder_on(ITEMS, RULES, DUE + timedelta(days=60)) is None
    assert next_reminder_on([], RULES, DUE) is None


def test_a_mark_passes_a_day_only_within_its_spell_for_the_same_records_and_people() -> None:
    mark = SweepMark(date(2026, 11, 23), 7, "abc", date(2026, 11, 30), 12, ("team", 40))
    assert mark.passes(date(2026, 11, 29), 7, "abc")
    assert not mark.passes(date(2026, 11, 30), 7, "abc")  # the day something new may be owed
    assert not mark.passes(date(2026, 11, 22), 7, "abc")  # a day before it was worked out
    assert not mark.passes(date(2026, 11, 25), 8, "abc")  # the agency's records changed
    assert not mark.passes(date(2026, 11, 25), 7, "abd")  # someone was added, removed or assigned
    assert mark.position_on(date(2026, 11, 26)) == ("team", 43)


def test_the_quarter_turning_is_a_change_even_with_no_records_ahead() -> None:
    context = AgencyContext(agency=make_agency(joined_on=date(2026, 1, 5)), roadmap=ROADMAP, rules=CadenceRules())
    assert changes_after(context, date(2026, 11, 23)) == date(2027, 1, 1)
    assert changes_after(context, date(2026, 12, 31)) == date(2027, 1, 1)
    assert changes_after(context, date(2027, 1, 1)) == date(2027, 4, 1)


DAY = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
ROUTINES = [routine.key for routine in ROADMAP.routines.routines if routine.quarterly_due_days is None]
LATER = date(2030, 1, 1)  # records may be dated after the day the test looks from


@st.composite
def contexts(draw: st.DrawFn) -> tuple[AgencyContext, date]:
    """An agency some way along the roadmap, with records dated before and after the day (backdated or booked):
    gates finished by their checklist or forced, reviews, action-plan steps, routines kept and visits booked for
    the occurrences due."""
    joined = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 30)))
    agency, when = make_agency(joined_on=joined), joined
    for gate in GATES[: draw(st.integers(0, len(GATES)))]:
        when += timedelta(days=draw(st.integers(1, 90)))
        if draw(st.booleans()):
            forced = progression.complete_stage(agency, ROADMAP, gate, on=when, as_of=LATER, force=True, note="n")
            agency = forced.agency
            continue
        keys = item_keys(gate)
        for key in keys[: len(keys) - draw(st.integers(0, 1))]:
            agency = progression.mark_done(agency, ROADMAP, key, on=when, as_of=LATER).agency
        if agency.stages[gate].completed_on is None:
            break
    if draw(st.booleans()):
        launched = draw(st.dates(min_value=joined, max_value=joined + timedelta(days=400)))
        agency = progression.launch(agency, ROADMAP, on=launched, as_of=LATER).agency
    as_of = joined + timedelta(days=draw(st.integers(0, 700)))
    near = st.integers(-60, 60).map(lambda days: as_of + timedelta(days=days))
    reviews = sorted((day, draw(st.integers(60, 125))) for day in draw(st.lists(near, max_size=2)))
    actions = [
        ActionItem(id=number, agency="riverbend", review_date=review, item=3, score=2, criterion="c", step="s",
                   due_on=review + timedelta(days=42), done_on=draw(st.none() | near))
        for number, review in enumerate(draw(st.lists(near, max_size=2)), start=1)
    ]  # fmt: skip
    done = {key: [Occurrence(day) for day in draw(st.lists(near, max_size=2))] for key in ROUTINES}
    context = AgencyContext(agency=agency, roadmap=ROADMAP, rules=CadenceRules(), reviews=reviews,
                            actions=actions, done=done)  # fmt: skip
    routine = [item for item in due_items(context, as_of) if item.kind in (DueKind.MEETING, DueKind.VISIT)]
    visits = [
        Visit(id=1, purpose=item.subject.split(":")[0], agency="riverbend", region="North", on=draw(near),
              trainers=("Tia Moss",), due_on=item.due_on)
        for item in routine[:1]
    ]  # fmt: skip
    return replace(context, visits=visits), as_of


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(contexts())
def test_within_the_quiet_spell_the_items_read_the_same_and_the_gate_counts_on(
    found: tuple[AgencyContext, date],
) -> None:
    context, as_of = found
    until = changes_after(context, as_of)
    assert until > as_of
    items = due_items(context, as_of)
    first = position(standing(context.agency, ROADMAP, as_of, items=False))
    for day in (as_of + timedelta(days=n) for n in range(1, min((until - as_of).days, 100))):
        assert due_items(context, day) == items, day
        later = position(standing(context.agency, ROADMAP, day, items=False))
        assert later == (first and (first[0], first[1] + (day - as_of).days)), day


def test_a_review_or_a_step_done_ahead_of_the_day_ends_the_spell_on_its_date() -> None:
    agency = progression.launch(
        make_agency(joined_on=date(2026, 1, 5)), ROADMAP, on=date(2026, 2, 2), as_of=LATER
    ).agency
    as_of = date(2026, 10, 20)
    step = ActionItem(id=1, agency="riverbend", review_date=date(2026, 9, 1), item=3, score=2, criterion="c",
                      step="s", due_on=date(2026, 10, 13), done_on=date(2026, 11, 9))  # fmt: skip
    for ahead, context in (
        (date(2026, 11, 2), AgencyContext(agency, ROADMAP, CadenceRules(), reviews=[(date(2026, 11, 2), 101)])),
        (date(2026, 11, 9), AgencyContext(agency, ROADMAP, CadenceRules(), actions=[step])),
    ):
        assert changes_after(context, as_of) == ahead
        assert due_items(context, ahead) != due_items(context, ahead - timedelta(days=1))
