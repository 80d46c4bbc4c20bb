"""A reminder digest rendered into subject, text and HTML: what the recipient reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from notifications.messages import build_digest
from roadmap.domain.contact import Contact, Role
from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.errors import InvalidInput
from roadmap.domain.reminder_rules import Reminder
from roadmap.render import render_reminder
from tests.builders import ROADMAP

MARIA = Contact(id=1, agency="riverbend", role=Role.DIRECTOR, name="Maria Lopez", email="maria@example.org")
SAM = Contact(id=4, role=Role.STATE_LEAD, name="Sam Reed", email="sam@state.example")
REVIEW = DueItem(agency="riverbend", kind=DueKind.FIDELITY_REVIEW, subject="fidelity-review:2027-01-20",
                 title="Fidelity review", stage="monitoring", due_on=date(2027, 1, 20))  # fmt: skip
STEP = DueItem(agency="riverbend", kind=DueKind.ACTION_PLAN, subject="action:7",
               title="Step <script>alert(1)</script>", stage="monitoring", due_on=date(2027, 1, 5))  # fmt: skip


def digest(*reminders: Reminder):  # type: ignore[no-untyped-def]
    return build_digest(MARIA, list(reminders), ROADMAP, SAM, date(2026, 12, 21))


def test_a_single_reminder_names_the_item_agency_and_when_in_the_subject() -> None:
    message = render_reminder(digest(Reminder(REVIEW, MARIA, 30, False)))
    assert message.subject == "IPS roadmap: Fidelity review for riverbend due in 30 days"
    assert "Hello Maria Lopez," in message.text
    assert "Due Wednesday 20 January 2027 (due in 30 days)." in message.text
    assert "To prepare: " in message.text
    assert "Questions: Sam Reed <sam@state.example>." in message.text


def test_a_digest_counts_its_reminders_and_the_overdue_ones() -> None:
    message = render_reminder(digest(Reminder(STEP, MARIA, -7, False), Reminder(REVIEW, MARIA, 30, False)))
    assert message.subject == "IPS roadmap: 2 reminders, 1 overdue"
    assert message.text.index("Fidelity action plan step") < message.text.index("Fidelity review for")
    assert "7 days overdue" in message.text


@pytest.mark.parametrize(
    ("reader_zone", "note"),
    [
        (None, ""),  # an agency contact inherits the agency's timezone: the date alone says it
        ("America/Los_Angeles", ""),
        ("America/New_York", " in America/Los_Angeles time, which ends at 03:00 on Thursday 21 January in your time"),
        ("America/Phoenix", " in America/Los_Angeles time, which ends at 01:00 on Thursday 21 January in your time"),
        ("Pacific/Honolulu", " in America/Los_Angeles time, which ends at 22:00 on Wednesday 20 January in your time"),
    ],
)
def test_the_due_date_is_the_agency_s_day_told_in_the_reader_s_own_time(reader_zone: str | None, note: str) -> None:
    reader = MARIA.model_copy(update={"timezone": reader_zone})
    zones = {"riverbend": "America/Los_Angeles"}
    built = build_digest(reader, [Reminder(REVIEW, reader, 30, False)], ROADMAP, SAM, date(2026, 12, 21), zones)
    text = render_reminder(built).text
    assert f"Due Wednesday 20 January 2027{note}" in text
    if not note:
        assert "Due Wednesday 20 January 2027 (due in 30 days)." in text


def test_html_is_escaped_and_text_is_plain() -> None:
    message = render_reminder(digest(Reminder(STEP, MARIA, 3, False)))
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    assert "Step <script>alert(1)</script>" in message.text  # plain text is not HTML


def test_a_state_can_override_a_template_from_its_folder(tmp_path: Path) -> None:
    (tmp_path / "reminder_subject.txt.j2").write_text("[State of Example] {{ digest.lines | length }} IPS reminder(s)")
    message = render_reminder(digest(Reminder(REVIEW, MARIA, 7, False)), overrides=tmp_path)
    assert message.subject == "[State of Example] 1 IPS reminder(s)"
    assert "Hello Maria Lopez," in message.text  # templates it does not override stay packaged


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ digest.lines | length ", "template reminder_subject.txt.j2 line 1"),
        ("{{ digest.nonexistent }}", "has no attribute 'nonexistent'"),
        ("{{ digest.__class__.__mro__ }}", "template reminder_subject.txt.j2"),
        ("{{ ''.__class__.__subclasses__() }}", "template reminder_subject.txt.j2"),
    ],
)
def test_a_broken_or_unsafe_state_template_is_refused_in_one_line(tmp_path: Path, template: str, message: str) -> None:
    (tmp_path / "reminder_subject.txt.j2").write_text(template)
    with pytest.raises(InvalidInput) as refused:
        render_reminder(digest(Reminder(REVIEW, MARIA, 7, False)), overrides=tmp_path)
    assert message in str(refused.value) and "\n" not in str(refused.value)
