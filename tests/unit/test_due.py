"""What is due, derived from an agency's state as of a date."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap.domain.action_plan import ActionItem
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.due import DueKind
from stages import progression
from stages.context import AgencyContext
from stages.due import due_items
from tests.builders import ROADMAP, TODAY, finish_items, item_keys, make_agency

RULES = CadenceRules()


def context(agency, reviews=(), actions=()):  # type: ignore[no-untyped-def]
    return AgencyContext(agency=agency, roadmap=ROADMAP, rules=RULES, reviews=list(reviews), actions=list(actions))


def action(item: int, review_date: date, done_on: date | None = None, number: int = 1) -> ActionItem:
    return ActionItem(id=number, agency="riverbend", review_date=review_date, item=item, score=2, criterion="c",
                      step="s", due_on=review_date + timedelta(days=42), done_on=done_on)  # fmt: skip


def test_open_items_of_the_active_gate_are_due_when_its_norm_runs_out() -> None:
    agency = make_agency(joined_on=date(2026, 9, 1))
    agency = progression.mark_done(agency, ROADMAP, item_keys("readiness")[0], on=date(2026, 9, 5), as_of=TODAY).agency
    items = due_items(context(agency), TODAY)
    assert {item.subject for item in items} == set(item_keys("readiness")[1:])
    assert {(item.kind, item.due_on, item.stage) for item in items} == {
        (DueKind.CHECKLIST_ITEM, date(2026, 10, 31), "readiness")  # 2026-09-01 + 60 days
    }


def test_a_completed_gate_makes_nothing_due_and_the_next_gate_takes_over() -> None:
    agency = finish_items(make_agency(joined_on=date(2026, 9, 1)), "readiness", date(2026, 10, 1))
    items = due_items(context(agency), TODAY)
    assert {item.stage for item in items} == {"commitment"}
    assert {item.due_on for item in items} == {date(2026, 11, 30)}  # commitment started 2026-10-01, norm 60


def test_as_of_before_an_item_was_done_shows_it_still_open() -> None:
    agency = finish_items(make_agency(joined_on=date(2026, 9, 1)), "readiness", date(2026, 10, 1), leave_open=1)
    earlier = due_items(context(agency), date(2026, 9, 15))
    assert len(earlier) == len(item_keys("readiness"))


def test_an_agency_that_has_not_launched_owes_no_review() -> None:
    items = due_items(context(make_agency()), TODAY)
    assert DueKind.FIDELITY_REVIEW not in {item.kind for item in items}


def test_the_next_review_is_due_and_moves_on_once_a_review_is_recorded() -> None:
    agency = make_agency(joined_on=date(2026, 1, 15), launched_on=date(2026, 1, 15))
    before = [i for i in due_items(context(agency), TODAY) if i.kind is DueKind.FIDELITY_REVIEW]
    assert [(i.subject, i.due_on) for i in before] == [("fidelity-review:2026-07-15", date(2026, 7, 15))]
    after = [i for i in due_items(context(agency, reviews=[(date(2026, 7, 20), 101)]), TODAY)
             if i.kind is DueKind.FIDELITY_REVIEW]  # fmt: skip
    assert [(i.subject, i.due_on) for i in after] == [("fidelity-review:2027-07-20", date(2027, 7, 20))]


def test_open_action_steps_are_due_and_closed_ones_are_not() -> None:
    agency = make_agency(joined_on=date(2026, 1, 15), launched_on=date(2026, 1, 15))
    steps = [
        action(3, date(2026, 7, 20), number=1),
        action(7, date(2026, 7, 20), done_on=date(2026, 8, 1), number=2),
        action(9, date(2026, 7, 20), done_on=date(2026, 12, 1), number=3),  # closed after as_of: still open then
    ]
    found = [i for i in due_items(context(agency, actions=steps), TODAY) if i.kind is DueKind.ACTION_PLAN]
    assert [(i.subject, i.due_on) for i in found] == [("action:1", date(2026, 8, 31)), ("action:3", date(2026, 8, 31))]


def test_due_items_come_soonest_first() -> None:
    agency = make_agency(joined_on=date(2026, 1, 15), launched_on=date(2026, 1, 15))
    items = due_items(context(agency, actions=[action(3, date(2026, 7, 20))]), TODAY)
    assert [i.due_on for i in items] == sorted(i.due_on for i in items)
