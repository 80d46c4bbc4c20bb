"""Which reminders a sweep owes: offsets, catch-up without floods, escalation, digests, done items."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from roadmap.data import load_reminder_rules
from roadmap.domain.contact import Contact, Role
from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.reminder_rules import digests, reminders_owed

RULES = load_reminder_rules()
DUE = date(2027, 1, 20)
DIRECTOR = Contact(id=1, agency="riverbend", role=Role.DIRECTOR, name="Maria Lopez", email="maria@example.org")
SUPERVISOR = Contact(id=2, agency="riverbend", role=Role.IPS_SUPERVISOR, name="Lee Park", email="lee@example.org")
OTHER_AGENCY = Contact(id=3, agency="lakeshore", role=Role.DIRECTOR, name="Ann Diaz", email="ann@example.org")
STATE_LEAD = Contact(id=4, role=Role.STATE_LEAD, name="Sam Reed", email="sam@example.org")
TRAINER = Contact(id=5, role=Role.TRAINER, name="Tia Moss", email="tia@example.org")
EVERYONE = [DIRECTOR, SUPERVISOR, OTHER_AGENCY, STATE_LEAD, TRAINER]
REVIEW = DueItem(agency="riverbend", kind=DueKind.FIDELITY_REVIEW, subject="fidelity-review:2027-01-20",
                 title="Fidelity review", stage="monitoring", due_on=DUE)  # fmt: skip


def owed(as_of: date, already: set[str] | None = None, items: list[DueItem] | None = None):  # type: ignore[no-untyped-def]
    return reminders_owed(items or [REVIEW], EVERYONE, RULES, as_of, already or set())


def test_nothing_is_owed_before_the_first_offset() -> None:
    assert owed(DUE - timedelta(days=31)) == []


def test_thirty_days_before_the_director_supervisor_and_trainer_are_reminded() -> None:
    found = owed(DUE - timedelta(days=30))
    assert {(r.recipient.name, r.offset_days, r.escalation) for r in found} == {
        ("Maria Lopez", 30, False), ("Lee Park", 30, False), ("Tia Moss", 30, False),
    }  # fmt: skip


def test_repeated_sweeps_send_each_offset_once() -> None:
    sent: set[str] = set()
    log = []
    for day in range(-40, 30):
        for reminder in owed(DUE + timedelta(days=day), sent):
            sent.add(reminder.key)
            log.append((reminder.recipient.name, reminder.offset_days))
    maria = [offset for name, offset in log if name == "Maria Lopez"]
    assert maria == [30, 7, 1, -7]
    assert [offset for name, offset in log if name == "Sam Reed"] == [-14]
    assert len(log) == len(set(log))


def test_a_missed_week_sends_only_the_latest_offset_not_a_flood() -> None:
    first = owed(DUE - timedelta(days=30))
    sent = {r.key for r in first}
    # No sweeps ran from 29 days before until the day before the due date.
    late = owed(DUE - timedelta(days=1), sent)
    assert {(r.recipient.name, r.offset_days) for r in late} == {("Maria Lopez", 1), ("Lee Park", 1), ("Tia Moss", 1)}


def test_weeks_overdue_the_agency_gets_its_overdue_notice_and_the_state_lead_the_escalation() -> None:
    found = owed(DUE + timedelta(days=20))
    assert {(r.recipient.name, r.offset_days, r.escalation) for r in found} == {
        ("Maria Lopez", -7, False), ("Lee Park", -7, False), ("Tia Moss", -7, False), ("Sam Reed", -14, True),
    }  # fmt: skip


def test_an_item_that_is_done_is_not_in_the_due_list_so_it_gets_nothing() -> None:
    assert reminders_owed([], EVERYONE, RULES, DUE, set()) == []


def test_other_agencies_contacts_are_never_told() -> None:
    assert all(r.recipient.agency in {"riverbend", None} for r in owed(DUE + timedelta(days=20)))


def test_several_items_for_one_person_become_one_digest() -> None:
    step = DueItem(agency="riverbend", kind=DueKind.ACTION_PLAN, subject="action:7", title="Step",
                   stage="monitoring", due_on=DUE - timedelta(days=16))  # fmt: skip
    found = owed(DUE - timedelta(days=30), items=[REVIEW, step])
    grouped = digests(found)
    assert [r.item.subject for r in grouped[DIRECTOR.id or 0]] == ["action:7", "fidelity-review:2027-01-20"]
    assert [r.item.subject for r in grouped[TRAINER.id or 0]] == ["fidelity-review:2027-01-20"]


@pytest.mark.parametrize(
    ("kind", "offsets"),
    [(DueKind.FIDELITY_REVIEW, (30, 7, 1)), (DueKind.ACTION_PLAN, (14, 3)), (DueKind.CHECKLIST_ITEM, (7,))],
)
def test_per_kind_rules_override_the_default(kind: DueKind, offsets: tuple[int, ...]) -> None:
    rule = RULES.rule(kind)
    assert rule.before_days == offsets
    assert (rule.overdue_days, rule.escalate_days, rule.escalate_to) == (7, 14, (Role.STATE_LEAD,))


def test_work_the_state_team_runs_invites_the_agency_and_chases_the_state_team_when_late() -> None:
    meeting = DueItem(agency="riverbend", kind=DueKind.MEETING, subject="supervisor-meeting:2027-01-20",
                      title="Statewide IPS supervisor meeting", stage="supervisor-expertise", due_on=DUE,
                      state_run=True)  # fmt: skip
    before = reminders_owed([meeting], EVERYONE, RULES, DUE - timedelta(days=14), set())
    assert {r.recipient.name for r in before} == {"Maria Lopez", "Lee Park"}
    late = reminders_owed([meeting], EVERYONE, RULES, DUE + timedelta(days=8), set())
    assert [(r.recipient.name, r.escalation) for r in late] == [("Sam Reed", True)]
    assert reminders_owed([meeting], EVERYONE, RULES, DUE + timedelta(days=30), {late[0].key}) == []
