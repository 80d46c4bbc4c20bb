"""Reminder rules as data, and the pure decision of which reminders are owed as of a date.

For each due item a rule gives offsets: days before the due date, one overdue reminder after it, and an
escalation to the state team after that. A sweep owes, per item and recipient, only the latest offset that
has come by as_of and was not sent before: missed sweeps never cause a flood of stale reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from roadmap.domain.contact import Contact, Role
from roadmap.domain.due import DueItem, DueKind


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Whole days written as numbers, within a year: `true`, `7.0` or `"7"` in a rules file is a mistake to name,
# not a day count to guess at (pydantic would otherwise read them as 1, 7 and 7).
BeforeDays = Annotated[int, Field(strict=True, ge=0, le=365)]
AfterDays = Annotated[int, Field(strict=True, ge=1, le=365)]


class ReminderRule(_Strict):
    """When and to whom reminders about one kind of due item go (unset fields fall back to the default)."""

    before_days: tuple[BeforeDays, ...] | None = None
    overdue_days: AfterDays | None = None
    escalate_days: AfterDays | None = None
    recipients: tuple[Role, ...] | None = None
    escalate_to: tuple[Role, ...] | None = None


class ResolvedRule(_Strict):
    """A rule with every field set, under the same bounds as an override (the default is one)."""

    before_days: tuple[BeforeDays, ...]
    overdue_days: AfterDays
    escalate_days: AfterDays
    recipients: tuple[Role, ...]
    escalate_to: tuple[Role, ...]


# Reminders listed in one person's message; the rest are counted in it. A hundred is a long read already, and
# a state lead's first digest of a neglected national program would otherwise list over 100,000 escalations.
DIGEST_LINES = 100


class ReminderRules(_Strict):
    """The default rule, per-kind overrides, and how many reminders one message lists."""

    version: Literal[1]
    default: ResolvedRule
    kinds: dict[DueKind, ReminderRule] = Field(default_factory=dict)
    digest_lines: Annotated[int, Field(strict=True, ge=10, le=10_000)] = DIGEST_LINES

    def lookahead_days(self) -> int:
        """How far ahead the earliest reminder of any kind reaches."""
        return max(max(self.rule(kind).before_days, default=0) for kind in DueKind)

    def rule(self, kind: DueKind) -> ResolvedRule:
        """The default with this kind's overrides applied."""
        override = self.kinds.get(kind)
        if override is None:
            return self.default
        changes = {name: value for name, value in override.model_dump().items() if value is not None}
        return self.default.model_copy(update=changes)


_PEOPLE_ROLES = frozenset({Role.TRAINER, Role.REVIEWER})


@dataclass(frozen=True)
class Reminder:
    """One reminder owed to one person about one due item, at one offset (the idempotency key's parts)."""

    item: DueItem
    recipient: Contact
    offset_days: int  # days before the due date; negative once overdue
    escalation: bool

    @property
    def key(self) -> str:
        """Stable across sweeps: the same reminder is never queued twice."""
        return f"{self.item.kind.value}|{self.item.agency}|{self.item.subject}|{self.recipient.id}|{self.offset_days}"


def reminders_owed(
    items: list[DueItem], contacts: list[Contact], rules: ReminderRules, as_of: date, already: set[str]
) -> list[Reminder]:
    """Reminders a sweep on as_of owes: per item and recipient the latest offset that has come, if not queued yet.

    The agency's people have the before-due and overdue offsets; the escalation offset is the state team's. For
    work the state team runs, the agency's people get the before-due offsets only and the state team the overdue one.
    Each group gets at most one reminder per item per sweep, so catching up after missed sweeps sends the
    most recent reminder only, never the stale ones before it.
    """
    owed = []
    by_agency: dict[str | None, list[Contact]] = {}
    for contact in contacts:
        by_agency.setdefault(contact.agency, []).append(contact)
    resolved: dict[DueKind, ResolvedRule] = {}  # each kind's rule once, not once per item
    for item in items:
        rule = resolved.get(item.kind) or resolved.setdefault(item.kind, rules.rule(item.kind))
        for offsets, roles, escalation in _groups(item, rule, as_of):
            passed = [day for day in offsets if item.due_on - timedelta(days=day) <= as_of]
            if not passed:
                continue
            latest = min(passed)  # the smallest offset falls on the most recent date
            for contact in _recipients(by_agency, item, roles):
                reminder = Reminder(item=item, recipient=contact, offset_days=latest, escalation=escalation)
                if reminder.key not in already:
                    owed.append(reminder)
    return owed


def next_reminder_on(items: list[DueItem], rules: ReminderRules, as_of: date) -> date | None:
    """The first day after as_of on which any of these items owes a reminder not owed by as_of (None: never).

    Between as_of and that day a sweep owes nothing new for them: each group's latest passed offset stays the one
    already owed, so its key is already queued.
    """
    later: list[date] = []
    resolved: dict[DueKind, ResolvedRule] = {}
    for item in items:
        rule = resolved.get(item.kind) or resolved.setdefault(item.kind, rules.rule(item.kind))
        for offsets, _, _ in _groups(item, rule, as_of):
            later += [day for offset in offsets if (day := item.due_on - timedelta(days=offset)) > as_of]
    return min(later, default=None)


_Group = tuple[tuple[int, ...], tuple[Role, ...], bool]


def _groups(item: DueItem, rule: ResolvedRule, as_of: date) -> tuple[_Group, ...]:
    """(offsets, roles, escalation) of an item's reminder groups: one reminder per group and sweep at most."""
    if item.state_run:
        # The agency's people are invited to what the state team holds; being late is the state team's.
        # An invitation that has gone by is not sent late.
        invite = rule.before_days if as_of <= item.due_on else ()
        return ((invite, rule.recipients, False), ((-rule.overdue_days,), rule.escalate_to, True))
    return (
        ((*rule.before_days, -rule.overdue_days), rule.recipients, False),
        ((-rule.escalate_days,), rule.escalate_to, True),
    )


def digests(reminders: list[Reminder]) -> dict[int, list[Reminder]]:
    """Reminders grouped by recipient id: one message per person per sweep."""
    grouped: dict[int, list[Reminder]] = {}
    for reminder in sorted(reminders, key=lambda r: (r.item.due_on, r.item.agency, r.item.subject)):
        assert reminder.recipient.id is not None
        grouped.setdefault(reminder.recipient.id, []).append(reminder)
    return grouped


def _recipients(by_agency: dict[str | None, list[Contact]], item: DueItem, roles: tuple[Role, ...]) -> list[Contact]:
    # Agency roles come from the agency's own contacts; state roles (state lead, trainer) from the state team.
    # Trainers and reviewers: only the people the item names (booked on the visit, assigned to the agency), if any.
    return [
        c
        for c in (*by_agency.get(item.agency, ()), *by_agency.get(None, ()))
        if c.role in roles and not (item.people is not None and c.role in _PEOPLE_ROLES and c.id not in item.people)
    ]
