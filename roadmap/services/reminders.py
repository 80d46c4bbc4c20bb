"""Which reminders are owed as of a date: due items x contacts x rules (delivery comes with the outbox)."""

from __future__ import annotations

from datetime import date

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.reminder_rules import Reminder, ReminderRules, reminders_owed
from roadmap.services.due import state_due
from roadmap.services.ports import UnitOfWork


def preview_reminders(
    uow: UnitOfWork, roadmap: Roadmap, cadence: CadenceRules, rules: ReminderRules, *, as_of: date
) -> list[Reminder]:
    """The reminder each person would get today for each item: the latest offset that has come by as_of."""
    items = state_due(uow, roadmap, cadence, as_of=as_of, within_days=rules.lookahead_days())
    with uow:
        contacts = uow.contacts.listed()
    owed = reminders_owed(items, contacts, rules, as_of, already=set())
    return sorted(owed, key=lambda r: (r.recipient.name, r.item.due_on, r.item.agency, r.item.subject))
