"""Queue owed reminders in the outbox, then deliver them: one digest per person, retried with backoff.

Every reminder is written to the outbox (keyed, so never twice) before anything is sent. Delivery reads the
pending rows, sends one message per person and records the outcome; the one window where a message can go
out twice is a crash between a successful send and that record.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from notifications.messages import Digest, Message, build_digest, urgency
from roadmap.domain.contact import Contact, Role
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem, DueKind, deep_link
from roadmap.domain.errors import InvalidInput, RuleViolation
from roadmap.domain.outbox import Attempted, OutboxEntry, OutboxStatus, RetryPolicy, attempted
from roadmap.domain.reminder_rules import DIGEST_LINES, Reminder, ReminderRules, reminders_owed
from roadmap.render import render_reminder
from roadmap.services.links import reminder_tokens
from roadmap.services.ports import UnitOfWork


class Sender(Protocol):
    """Delivers one message to one contact; returns None when delivered, else a reason without secrets."""

    def send(self, contact: Contact, message: Message) -> str | None: ...


def queue_owed(
    uow: UnitOfWork,
    items: list[DueItem],
    rules: ReminderRules,
    *,
    as_of: date,
    now: datetime,
    agencies: Collection[str] | None = None,
    contacts: list[Contact] | None = None,
) -> int:
    """In an open unit of work: write the reminders owed for these items (of these agencies, if given), to these
    contacts (read here when not given: every contact, or the state team's and these agencies')."""
    if contacts is None:
        contacts = uow.contacts.listed() if agencies is None else uow.contacts.reminded(agencies)
    owed = reminders_owed(items, contacts, rules, as_of, uow.outbox.keys(agencies))
    return uow.outbox.add_all([_entry(reminder, as_of, now) for reminder in owed])


@dataclass(frozen=True)
class PageLinks:
    """Where reminders point their readers: the app's address, and how long an agency contact's link works."""

    base_url: str
    days: int

    def url(self, contact: Contact, tokens: dict[int, str]) -> str:
        """An agency contact's personal link, or the overview for the state team (who sign in)."""
        base = self.base_url.rstrip("/")
        token = tokens.get(contact.id) if contact.id is not None else None
        return f"{base}/a/{token}" if token else f"{base}/"

    def actions(self, contact: Contact, tokens: dict[int, str]) -> Callable[[DueItem], str | None]:
        """Each reminder's own link for an agency contact: straight to the form that does it (None otherwise)."""
        token = tokens.get(contact.id) if contact.id is not None else None
        if token is None:
            return lambda item: None
        base = f"{self.base_url.rstrip('/')}/a/{token}"

        def link(item: DueItem) -> str | None:
            query = deep_link(item)
            return f"{base}?{query}" if query else None

        return link


# What `outbox retry` sets as an entry's next attempt: earlier than any run.
RETRY_AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)

# People per page of delivery: bounds memory (every ready entry of a page is loaded at once).
PAGE_PEOPLE = 500


def deliver(
    uow: UnitOfWork,
    roadmap: Roadmap,
    sender: Sender,
    policy: RetryPolicy,
    *,
    as_of: date,
    now: datetime,
    templates: Path | None = None,
    links: PageLinks | None = None,
    links_from: date | None = None,
    page: int = PAGE_PEOPLE,
    lines: int = DIGEST_LINES,
) -> tuple[int, int, int]:
    """Send pending reminders whose time has come, one digest per person; returns (sent, retried, failed).

    People are taken in pages, each in its own unit of work, so memory holds one page of entries however
    large the backlog; a run sends only what was ready when it began (notices it writes wait for the next).
    Each page's entries are claimed for its transaction, so two deliveries side by side never send one entry
    twice. With `links`, each digest carries its reader's way into the web pages; the links are committed
    before any message that carries them is sent. Their lifetimes count from `links_from` (default as_of): the
    edges pass today when a run is for an earlier day, so a catch-up never mails a link that has already ended.
    A message lists at most `lines` reminders and counts the rest; every one of them is delivered with it.
    """
    sent = retried = failed = 0
    with uow:
        waiting, up_to = uow.outbox.waiting(now)
        if not waiting:  # most days of a quiet state: nobody's contact card needs reading
            return sent, retried, failed
        contacts = {contact.id: contact for contact in uow.contacts.listed()}
        zones, names = uow.agencies.timezones(), uow.agencies.names()
    leads = [c for c in contacts.values() if c.role is Role.STATE_LEAD]
    state_lead = leads[0] if leads else None
    for start in range(0, len(waiting), page):
        chunk = waiting[start : start + page]
        tokens: dict[int, str] = {}
        if links:
            with uow:  # the links exist before any message carries them
                people = [contacts[contact_id] for contact_id in chunk if contact_id in contacts]
                tokens = reminder_tokens(uow, people, on=links_from or as_of, days=links.days)
                uow.commit()
        with uow:
            for contact_id in chunk:
                # One person at a time, claimed until their outcome is committed: a delivery running beside this
                # one (a second sweep) skips or waits for them, and finds them sent.
                claimed, whole = uow.outbox.claim(now, contact_id, up_to, whole=lines)
                contact = contacts.get(contact_id)
                if not claimed or contact is None:  # another delivery sent them, or the contact is new
                    uow.commit()
                    continue
                # Most urgent first, as the message lists them; only the listed ones are read in full.
                ordered = sorted(claimed, key=lambda entry: urgency(entry.due_on, entry.agency, names))
                if whole is None:
                    listed = uow.outbox.entries([entry.id for entry in ordered[:lines]])
                else:
                    by_id = {entry.id: entry for entry in whole}
                    listed = [by_id[entry.id] for entry in ordered]
                reminders = [Reminder(entry.item, contact, entry.offset_days, entry.escalation) for entry in listed]
                page_url = links.url(contact, tokens) if links else None
                actions = links.actions(contact, tokens) if links else None
                unlisted = [(entry.agency, entry.due_on) for entry in ordered[lines:]]
                digest = build_digest(
                    contact, reminders, roadmap, state_lead, as_of, zones, page_url, names, now, actions,
                    unlisted=unlisted,
                )  # fmt: skip
                error = _send(sender, contact, digest, templates)
                outcomes = [attempted(entry, error, policy, now) for entry in claimed]
                uow.outbox.record(outcomes)
                given_up = [outcome.id for outcome in outcomes if outcome.status is OutboxStatus.FAILED]
                others = [lead for lead in leads if lead.id != contact_id]
                for entry in uow.outbox.entries(given_up) if given_up else []:
                    uow.outbox.add_all(_failure_notices(entry, contact, others, as_of, now))
                sent += sum(1 for outcome in outcomes if outcome.status is OutboxStatus.SENT)
                failed += len(given_up)
                retried += sum(1 for outcome in outcomes if outcome.status is OutboxStatus.PENDING)
                uow.commit()  # record each person's outcome at once: a later crash cannot resend it
    return sent, retried, failed


def _send(sender: Sender, contact: Contact, digest: Digest, templates: Path | None) -> str | None:
    """Send one digest; None when it went, otherwise why not (a template that fails on this digest included)."""
    try:
        message = render_reminder(digest, templates)
    except InvalidInput as error:
        # A state template can pass the sample check yet fail on one person's data. That person's entries fail
        # like a refused message (retried, then reported to the state lead); everyone after them still gets theirs.
        return f"the reminder could not be written: {error}"
    return sender.send(contact, message)


def _failure_notices(
    failed: OutboxEntry, contact: Contact, leads: list[Contact], as_of: date, now: datetime
) -> list[OutboxEntry]:
    """Tell the state leads that a reminder failed for good (a failed notice itself is not escalated again)."""
    if failed.item.kind is DueKind.DELIVERY_FAILURE:
        return []
    notice = failed.item.model_copy(
        update={
            "kind": DueKind.DELIVERY_FAILURE,
            "subject": f"undelivered:{failed.id}",
            "title": f"A reminder to {contact.name} could not be delivered after {failed.attempts} attempts: "
            f"{failed.item.title}",
        }
    )
    return [_entry(Reminder(notice, lead, failed.offset_days, escalation=True), as_of, now) for lead in leads]


def _entry(reminder: Reminder, as_of: date, now: datetime) -> OutboxEntry:
    assert reminder.recipient.id is not None
    return OutboxEntry(
        key=reminder.key,
        contact_id=reminder.recipient.id,
        item=reminder.item,
        offset_days=reminder.offset_days,
        escalation=reminder.escalation,
        next_attempt_at=now,
        queued_on=as_of,
    )


def retry_now(uow: UnitOfWork, entry_id: int) -> OutboxEntry:
    """Make a pending or failed entry ready at the next delivery, ignoring its backoff.

    It is made due at an instant before any run (not the wall clock, nor a day boundary in some timezone), so
    the next delivery sends it whatever date and time that delivery runs for, catch-up and simulated runs
    included.
    """
    with uow:
        entry = uow.outbox.get(entry_id)
        if entry.status is OutboxStatus.SENT:
            raise RuleViolation(f"outbox entry {entry_id} was already sent at {entry.sent_at}")
        ready = entry.model_copy(update={"status": OutboxStatus.PENDING, "next_attempt_at": RETRY_AT_ONCE})
        assert ready.id is not None  # read from the store
        uow.outbox.record([Attempted(ready.id, ready.status, ready.attempts, None, ready.last_error, RETRY_AT_ONCE)])
        uow.commit()
    return ready
