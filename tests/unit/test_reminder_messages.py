"""A reminder digest rendered into subject, text and HTML: what the recipient reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from notifications.messages import build_digest
from roadmap.domain.contact import Contact, Role
from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.errors import InvalidInput
from roadmap.domain.reminder_rules import Reminder
from roadmap.render import check_templates, render_reminder
from tests.builders import ROADMAP

MARIA = Contact(id=1, agency="riverbend", role=Role.DIRECTOR, name="Maria Lopez", email="maria@example.org")
SAM = Contact(id=4, role=Role.STATE_LEAD, name="Sam Reed", email="sam@state.example")
REVIEW = DueItem(agency="riverbend", kind=DueKind.FIDELITY_REVIEW, subject="fidelity-review:2027-01-20",
                 title="Fidelity review", stage="monitoring", due_on=date(2027, 1, 20))  # fmt: skip
STEP = DueItem(agency="riverbend", kind=DueKind.ACTION_PLAN, subject="action:7",
               title="Step <script>alert(1)</script>", stage="monitoring", due_on=date(2027, 1, 5))  # fmt: skip


NAMES = {"riverbend": "Riverbend Community Mental Health", "cedar": "Cedar Valley Recovery Services"}


def digest(*reminders: Reminder):  # type: ignore[no-untyped-def]
    return build_digest(MARIA, list(reminders), ROADMAP, SAM, date(2026, 12, 21), names=NAMES)


def test_a_single_reminder_names_the_item_the_agency_by_name_and_when_in_the_subject() -> None:
    message = render_reminder(digest(Reminder(REVIEW, MARIA, 30, False)))
    assert message.subject == "IPS roadmap: Fidelity review for Riverbend Community Mental Health, due in 30 days"
    assert "Hello Maria Lopez," in message.text
    assert "Due Wednesday 20 January 2027 (due in 30 days)." in message.text
    assert "riverbend" not in message.text  # the slug is for commands, not for readers
    assert "Questions: Sam Reed <sam@state.example>." in message.text


def test_the_text_says_the_real_distance_on_the_day_it_is_sent_not_the_rule_s_offset() -> None:
    # An item due 14 November 2024, mailed on 5 December 2026 under the rule's "7 days overdue" offset.
    old = STEP.model_copy(update={"due_on": date(2024, 11, 14)})
    built = build_digest(MARIA, [Reminder(old, MARIA, -7, False)], ROADMAP, SAM, date(2026, 12, 5), names=NAMES)
    message = render_reminder(built)
    assert "751 days overdue" in message.text and "7 days overdue" not in message.text.replace("751", "")
    soon = REVIEW.model_copy(update={"due_on": date(2026, 12, 7)})
    built = build_digest(MARIA, [Reminder(soon, MARIA, 7, False)], ROADMAP, SAM, date(2026, 12, 5), names=NAMES)
    assert "Due Monday 7 December 2026 (due in 2 days)." in render_reminder(built).text


def test_the_day_it_is_sent_is_the_reader_s_own_day() -> None:
    # 03:00 UTC on 22 December is still the 21st in Los Angeles: the review is 30 days away there, not 29.
    reader = MARIA.model_copy(update={"timezone": "America/Los_Angeles"})
    sent = datetime(2026, 12, 22, 3, 0, tzinfo=UTC)
    built = build_digest(reader, [Reminder(REVIEW, reader, 30, False)], ROADMAP, SAM, date(2026, 12, 22), now=sent)
    assert built.lines[0].when == "due in 30 days" and built.sent_on == date(2026, 12, 21)


def test_a_digest_names_its_agency_counts_and_leads_with_the_most_urgent() -> None:
    message = render_reminder(digest(Reminder(REVIEW, MARIA, 30, False), Reminder(STEP, MARIA, -7, False)))
    assert message.subject == (
        "IPS roadmap: Riverbend Community Mental Health: 2 reminders (most urgent: Fidelity action plan step, "
        "due in 15 days)"
    )
    assert message.text.index("Fidelity action plan step") < message.text.index("Fidelity review for")


def test_a_digest_about_several_agencies_says_how_many_and_names_the_most_urgent_one() -> None:
    late = REVIEW.model_copy(update={"agency": "cedar", "due_on": date(2026, 12, 5)})
    message = render_reminder(digest(Reminder(REVIEW, MARIA, 30, False), Reminder(late, MARIA, -14, True)))
    assert message.subject == (
        "IPS roadmap: 2 agencies: 2 reminders, 1 overdue "
        "(most urgent: Fidelity review for Cedar Valley Recovery Services, 16 days overdue)"
    )


def test_a_long_digest_counts_what_it_does_not_list_in_words_and_in_its_subject() -> None:
    # The state lead after a neglected state's first run: escalations from 1,200 agencies, a hundred listed.
    late = [REVIEW.model_copy(update={"agency": f"agency-{n:04d}", "due_on": date(2026, 10, 1 + n % 30)})
            for n in range(100)]  # fmt: skip
    listed = [Reminder(item, SAM, -14, True) for item in late]
    unlisted = [(f"agency-{n:04d}", date(2026, 11, 1 + n % 30)) for n in range(100, 1200)] + [
        ("riverbend", REVIEW.due_on)
    ]
    built = build_digest(SAM, listed, ROADMAP, None, date(2026, 12, 21), names=NAMES, unlisted=unlisted)
    message = render_reminder(built)
    assert len(built.lines) == 100 and built.count == 1201
    assert message.subject == (
        "IPS roadmap: 1,201 agencies: 1,201 reminders, 1,200 overdue "
        "(most urgent: Fidelity review for agency-0000, 81 days overdue)"
    )
    said = "And 1,101 more reminders (1,100 overdue) for 1,101 agencies, not listed here to keep this message short"
    assert said in message.text and said in message.html
    assert message.text.count("Fidelity review for") == 100


def test_a_digest_that_lists_every_reminder_counts_none() -> None:
    built = build_digest(MARIA, [Reminder(REVIEW, MARIA, 30, False)], ROADMAP, SAM, date(2026, 12, 21))
    message = render_reminder(built)
    assert built.more == 0 and "more reminder" not in message.text and "more reminder" not in message.html


def test_each_kind_of_reminder_has_its_own_list_to_prepare() -> None:
    outcome = DueItem(agency="riverbend", kind=DueKind.OUTCOME_REPORT, subject="outcome-report:2026Q4",
                      title="Quarterly outcome report", stage="monitoring", due_on=date(2027, 1, 30))  # fmt: skip
    text = render_reminder(digest(Reminder(outcome, MARIA, 30, False), Reminder(REVIEW, MARIA, 30, False))).text
    review, report = text.split("- Quarterly outcome report for")
    assert "How many people the IPS team served" in report and "fidelity manual" not in report
    assert "IPS fidelity manual" in review and "people the IPS team served" not in review
    readiness = DueItem(agency="riverbend", kind=DueKind.CHECKLIST_ITEM, subject="readiness.common-terms",
                        title="Agree on terms", stage="readiness", due_on=date(2027, 1, 30))  # fmt: skip
    assert "leader_questions" not in render_reminder(digest(Reminder(readiness, MARIA, 7, False))).text


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


def test_a_state_template_broken_only_for_a_long_digest_is_refused_when_the_settings_are_read(tmp_path: Path) -> None:
    # Else it would pass the check and fail at delivery for exactly the state lead's long digests.
    (tmp_path / "reminder.txt.j2").write_text(
        "{% for line in digest.lines %}{{ line.title }}\n{% endfor %}{% if digest.more %}{{ digest.more / 0 }}{% endif %}"
    )
    with pytest.raises(InvalidInput) as refused:
        check_templates(tmp_path)
    assert "template reminder.txt.j2" in str(refused.value)
