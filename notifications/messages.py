"""A digest of reminders for one person, as the values a template needs (pure: no jinja2, no apprise)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from roadmap.domain.contact import Contact
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem, DueKind
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
    """One reminder in a digest, ready to print: the agency by name, the real distance to its due date."""

    agency: str
    kind: str
    title: str
    due_on: str
    when: str
    overdue: bool
    escalation: bool
    prepare: tuple[str, ...]
    # For ordering and the subject only; templates print `due_on`.
    due_date: date = date.min
    # Straight to the form that does it, in an agency contact's reminder (their link, at that form).
    action_url: str | None = None


@dataclass(frozen=True)
class Digest:
    """Everything one person is reminded of in one run, most urgent first."""

    recipient: str
    lines: tuple[DigestLine, ...]
    state_contact: str | None
    sent_on: date
    # The reader's way into the web pages: an agency contact's personal link, the state team's overview.
    page_url: str | None = None
    # Reminders the message does not list (beyond the rules' `digest_lines`): how many, how many of them are
    # overdue, and the agencies they are about (by name).
    more: int = 0
    more_overdue: int = 0
    more_agencies: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        """How many reminders the digest carries, listed or not."""
        return len(self.lines) + self.more

    @property
    def overdue(self) -> int:
        """How many of its reminders are past their due date, listed or not."""
        return sum(1 for line in self.lines if line.overdue) + self.more_overdue

    @property
    def agencies(self) -> frozenset[str]:
        """The agencies (by name) its reminders are about, listed or not."""
        return frozenset(line.agency for line in self.lines) | self.more_agencies

    @property
    def about(self) -> str:
        """Whom the digest is about: the agency's name, or '3 agencies'."""
        names = self.agencies
        return next(iter(names)) if len(names) == 1 else f"{len(names):,} agencies"

    @property
    def more_text(self) -> str:
        """The reminders not listed, in words ('' when every one is): '1,250 more reminders (1,200 overdue) for
        310 agencies'."""
        if not self.more:
            return ""
        late = f" ({self.more_overdue:,} overdue)" if self.more_overdue else ""
        whom = len(self.more_agencies)
        reminders = "reminder" if self.more == 1 else "reminders"
        return f"{self.more:,} more {reminders}{late} for {whom:,} {'agency' if whom == 1 else 'agencies'}"

    @property
    def most_urgent(self) -> DigestLine:
        """The line due earliest (the most overdue)."""
        return self.lines[0]

    @property
    def headline(self) -> str:
        """The subject's words: the one reminder, or the count, whom it is about and the most urgent item."""
        first = self.lines[0]
        if self.count == 1:
            return f"{first.kind} for {first.agency}, {first.when}"
        late = f", {self.overdue:,} overdue" if self.overdue else ""
        urgent = first.kind if len(self.agencies) == 1 else f"{first.kind} for {first.agency}"
        return f"{self.about}: {self.count:,} reminders{late} (most urgent: {urgent}, {first.when})"


def build_digest(
    recipient: Contact,
    reminders: list[Reminder],
    roadmap: Roadmap,
    state_contact: Contact | None,
    as_of: date,
    zones: Mapping[str, str] | None = None,
    page_url: str | None = None,
    names: Mapping[str, str] | None = None,
    now: datetime | None = None,
    actions: Callable[[DueItem], str | None] | None = None,
    unlisted: Sequence[tuple[str, date]] = (),
) -> Digest:
    """The digest's values: the real distance to each due date on the day it is read, names as people say them,
    what to prepare for each kind of reminder, and whom to ask.

    `zones` maps agency slug to its timezone (a recipient's own timezone defaults to their agency's) and `names`
    slug to name. The day the message goes out is `now` in the reader's timezone (as_of when either is unknown):
    the rule's offset decided that it is sent, never what it says. `unlisted` are (agency slug, due date) of
    reminders the message counts without listing them (delivery lists the rules' `digest_lines` most urgent: a
    neglected state's lead would otherwise get every agency's escalations in one message, too long to read and
    larger than mail servers accept).
    """
    zones, names = zones or {}, names or {}
    own_zone = recipient.timezone or (zones.get(recipient.agency) if recipient.agency else None)
    day = now.astimezone(ZoneInfo(own_zone)).date() if now is not None and own_zone else as_of
    lines = []
    for reminder in sorted(reminders, key=lambda r: urgency(r.item.due_on, r.item.agency, names)):
        item = reminder.item
        lines.append(
            DigestLine(
                agency=names.get(item.agency, item.agency),
                kind=KIND_NAMES[item.kind],
                title=item.title,
                # Due dates are calendar days in the agency's own calendar; a reader elsewhere is told
                # when that day ends in their own time.
                due_on=f"{item.due_on:%A %-d %B %Y}" + _deadline_note(item.due_on, zones.get(item.agency), own_zone),
                when=item.distance(day),
                overdue=item.due_on < day,
                escalation=reminder.escalation,
                prepare=roadmap.preparation(item),
                due_date=item.due_on,
                action_url=actions(item) if actions else None,
            )
        )
    return Digest(
        recipient=recipient.name,
        lines=tuple(lines),
        state_contact=f"{state_contact.name} <{state_contact.email}>"
        if state_contact and state_contact.email
        else None,
        sent_on=day,
        page_url=page_url,
        more=len(unlisted),
        more_overdue=sum(1 for _, due_on in unlisted if due_on < day),
        more_agencies=frozenset(names.get(agency, agency) for agency, _ in unlisted),
    )


def urgency(due_on: date, agency: str, names: Mapping[str, str]) -> tuple[date, str]:
    """How a digest orders its reminders, most urgent first: the earliest due date, then the agency by name."""
    return due_on, names.get(agency, agency)


def _deadline_note(due_on: date, agency_zone: str | None, reader_zone: str | None) -> str:
    """When the agency's due day ends, in the reader's time, if the reader lives in another timezone."""
    if agency_zone is None or reader_zone is None or agency_zone == reader_zone:
        return ""
    end = datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(agency_zone))
    local = end.astimezone(ZoneInfo(reader_zone))
    if local.utcoffset() == end.utcoffset():
        return ""
    return f" in {agency_zone} time, which ends at {local:%H:%M on %A %-d %B} in your time ({reader_zone})"
