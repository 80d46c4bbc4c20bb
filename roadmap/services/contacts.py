"""Contact use cases: add, list, remove. Channel URLs are checked on the way in and shown masked on the way out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic import ValidationError

from notifications.delivery import masked_channel
from roadmap.domain.audit import CONTACTS_CONFIRMED, Subject, contacts_confirmed
from roadmap.domain.contact import Contact, nobody_to_remind
from roadmap.domain.errors import Forbidden, InvalidInput, NotFound, RuleViolation, first_problem
from roadmap.domain.permission import Ability, Kind, refusal
from roadmap.services.access import require, visible
from roadmap.services.ports import UnitOfWork


@dataclass(frozen=True)
class ContactCard:
    """A contact as people and scripts may see it: channels masked, the effective timezone filled in."""

    contact: Contact
    timezone: str | None
    channels: tuple[str, ...]


def add_contact(
    uow: UnitOfWork,
    *,
    agency: str | None,
    role: str,
    name: str,
    email: str | None,
    notify: Sequence[str],
    timezone: str | None,
) -> ContactCard:
    """Add a person; every apprise URL must be one apprise can use."""
    channels = tuple(url.strip() for url in notify)
    with uow:
        # Who asks comes first: someone out of scope learns nothing, not even what is wrong with the contact.
        _may_change(uow, agency or None, channels=bool(channels))
        masked = tuple(masked_channel(url) for url in channels)  # refuses unusable URLs before anything is stored
        try:
            contact = Contact.model_validate(
                {"agency": agency, "role": role, "name": name, "email": email, "notify": channels, "timezone": timezone}
            )
        except ValidationError as error:
            raise InvalidInput(first_problem(error, "contact")) from None
        home = uow.agencies.get(agency) if agency else None
        stored = uow.contacts.add(contact)
        uow.commit()
    return ContactCard(stored, stored.timezone or (home.timezone if home else None), masked)


def list_contacts(uow: UnitOfWork, agency: str | None = None) -> list[ContactCard]:
    """State contacts and every agency's (or one agency's), channels masked."""
    with uow:
        if agency is not None:
            require(uow, Ability.READ_AGENCY, agency)
        elif not uow.who.sees_every_agency:
            raise Forbidden(refusal(Ability.READ_STATE))
        zones = {a.slug: a.timezone for a in ([uow.agencies.get(agency)] if agency else uow.agencies.all())}
        contacts = uow.contacts.listed(agency)
    return [_card(contact, zones) for contact in contacts]


def edit_contact(
    uow: UnitOfWork,
    contact_id: int,
    *,
    role: str | None = None,
    name: str | None = None,
    email: str | None = None,
    notify: Sequence[str] | None = None,
    timezone: str | None = None,
    at: datetime | None = None,
) -> ContactCard:
    """Correct a contact: the fields given replace theirs (`notify` replaces every channel); audited.

    A new email address is a new person's inbox: the links their reminders carried stop working (`at`, now by
    default), and their next reminder brings a fresh one to the new address.
    """
    changes: dict[str, object] = {
        key: value for key, value in (("role", role), ("name", name), ("email", email), ("timezone", timezone)) if value
    }
    if notify is not None:
        channels = tuple(url.strip() for url in notify)
        for url in channels:
            masked_channel(url)  # refuses an unusable URL before anything is stored
        changes["notify"] = channels
    if not changes:
        raise InvalidInput("nothing to change: give --name, --role, --email, --notify or --timezone")
    with uow:
        found = [contact for contact in uow.contacts.listed() if contact.id == contact_id]
        if not found:
            raise NotFound(f"no contact {contact_id}; `ips-roadmap contact list` shows them")
        _may_change(uow, found[0].agency, channels=notify is not None)
        try:
            edited = Contact.model_validate({**found[0].model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput(first_problem(error, "contact")) from None
        if edited.agency != found[0].agency:
            raise RuleViolation("a contact stays with their agency: remove them and add them where they work now")
        if edited == found[0]:
            raise RuleViolation(f"contact {contact_id} already has those values")
        uow.contacts.replace(edited)
        if edited.email != found[0].email and edited.id is not None:
            when = at or datetime.now(UTC)
            for link in uow.links.of_contacts([edited.id], when.date()):
                if link.id is not None:
                    uow.links.revoke(link.id, when)
        home = uow.agencies.get(edited.agency) if edited.agency else None
        uow.commit()
    return _card(edited, {home.slug: home.timezone} if home else {})


def remove_contact(uow: UnitOfWork, contact_id: int) -> ContactCard:
    """Delete a contact."""
    with uow:
        found = [contact for contact in uow.contacts.listed() if contact.id == contact_id]
        if not found:
            raise NotFound(f"no contact {contact_id}; `ips-roadmap contact list` shows them")
        _may_change(uow, found[0].agency, channels=False)
        removed = uow.contacts.remove(contact_id)
        uow.commit()
    return _card(removed, {})


def confirm_contacts(uow: UnitOfWork, agency: str, *, on: date, as_of: date) -> list[Contact]:
    """Record that the agency's contacts are right as they stand (on its audit trail, signed by whoever says so)."""
    with uow:
        require(uow, Ability.EDIT_CONTACTS, agency)
        if on > as_of:
            raise InvalidInput(f"--on {on} is in the future (today is {as_of})")
        contacts = uow.contacts.listed(agency)
        if not contacts:
            raise RuleViolation("there is nobody to confirm: add the people who do the work first")
        uow.audit.record([contacts_confirmed(agency, [contact.name for contact in contacts], on)])
        uow.commit()
    return contacts


def last_confirmed(uow: UnitOfWork, agency: str) -> tuple[str, date] | None:
    """Who last confirmed the agency's contacts, and on which day (in an open unit of work)."""
    entry = uow.audit.last(agency, Subject.CONTACT, CONTACTS_CONFIRMED)
    if entry is None or entry.after is None:
        return None
    return entry.actor.removeprefix("contact "), date.fromisoformat(str(entry.after["on"]))


def _may_change(uow: UnitOfWork, agency: str | None, *, channels: bool) -> None:
    """An agency's contacts are its own (and its coordinators' and the admins'); state contacts the state's.

    Notification channels are URLs this server will call: only the state team sets them, never an agency link.
    """
    if agency is None:
        require(uow, Ability.RUN_STATE)
        return
    require(uow, Ability.EDIT_CONTACTS, agency)
    if channels and uow.who.kind is Kind.LINK:
        raise Forbidden(
            "an agency's link may set contacts' email addresses; other channels are the state team's to set"
        )


def _card(contact: Contact, zones: dict[str, str]) -> ContactCard:
    timezone = contact.timezone or (zones.get(contact.agency) if contact.agency else None)
    return ContactCard(contact, timezone, tuple(masked_channel(url) for url in contact.notify))


def agencies_nobody_reminds(uow: UnitOfWork, *, as_of: date) -> list[str]:
    """The agencies on the roadmap with no director or IPS supervisor to remind: their reminders reach no one
    there until they are escalated to the state team."""
    with uow:
        shown = visible(uow)
        slugs = [slug for slug in uow.agencies.on_roadmap(as_of) if shown is None or slug in shown]
        return nobody_to_remind(slugs, uow.contacts.roles())
