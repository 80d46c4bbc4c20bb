"""A digest of reminders for one person, as the values a template needs (pure: no jinja2, no apprise)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from roadmap.domain.contact import Contact
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueKind
from roadmap.domain.reminder_rules import Reminder

KIND_NAMES = {
    DueKind.FIDELITY_REVIEW: "Fidelity review",
    DueKind.ACTION_PLAN: "Fidelity action plan step",
    DueKind.CHECKLIST_ITEM: "Roadmap checklist item",
    DueKind.MEETING: "Meeting",
    DueKind.VISIT: "Trainer visit",
    DueKind.OUTCOME_REPORT: "Quarterly outcome report",
    DueKind.SITE_VISIT: "Booked site visit",
    DueKind.DELIVERY_FAILURE: "Undelivered reminder",
}


@dataclass(frozen=True)
class Message:
    """What is sent: a subject, a plain-text body and an HTML body."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class DigestLine:
    """One reminder in a digest, ready to print."""

    agency: str
    kind: str
    title: str
    due_on: str
    when: str
    overdue: bool
    escalation: bool
    prepare: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """Everything one person is reminded of in one run."""

    recipient: str
    lines: tuple[DigestLine, ...]
    state_contact: str | None
    sent_on: date
    # The reader's way into the web pages: an agency contact's personal link, the state team's overview.
    page_url: str | None = None

    @property
    def overdue(self) -> int:
        """How many lines are past their due date."""
        return sum(1 for line in self.lines if line.overdue)


def build_digest(
    recipient: Contact,
    reminders: list[Reminder],
    roadmap: Roadmap,
    state_contact: Contact | None,
    as_of: date,
    zones: Mapping[str, str] | None = None,
    page_url: str | None = None,
) -> Digest:
    """The digest's values: due dates written out, what to prepare from the stage's tools, whom to ask.

    `zones` maps agency slug to its timezone; a recipient's own timezone defaults to their agency's.
    """
    zones = zones or {}
    own_zone = recipient.timezone or (zones.get(recipient.agency) if recipient.agency else None)
    lines = []
    for reminder in reminders:
        item, days = reminder.item, reminder.offset_days
        when = "due today" if days == 0 else f"due in {days} days" if days > 0 else f"{-days} days overdue"
        lines.append(
            DigestLine(
                agency=item.agency,
                kind=KIND_NAMES[item.kind],
                title=item.title,
                # Due dates are calendar days in the agency's own calendar; a reader elsewhere is told
                # when that day ends in their own time.
                due_on=f"{item.due_on:%A %-d %B %Y}" + _deadline_note(item.due_on, zones.get(item.agency), own_zone),
                when=when,
                overdue=days < 0,
                escalation=reminder.escalation,
                prepare=roadmap.stage(item.stage).tools[:3],
            )
        )
    return Digest(
        recipient=recipient.name,
        lines=tuple(lines),
        state_contact=f"{state_contact.name} <{state_contact.email}>"
        if state_contact and state_contact.email
        else None,
        sent_on=as_of,
        page_url=page_url,
    )


def _deadline_note(due_on: date, agency_zone: str | None, reader_zone: str | None) -> str:
    """When the agency's due day ends, in the reader's time, if the reader lives in another timezone."""
    if agency_zone is None or reader_zone is None or agency_zone == reader_zone:
        return ""
    end = datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(agency_zone))
    local = end.astimezone(ZoneInfo(reader_zone))
    if local.utcoffset() == end.utcoffset():
        return ""
    return f" in {agency_zone} time, which ends at {local:%H:%M on %A %-d %B} in your time ({reader_zone})"
