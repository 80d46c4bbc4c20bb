"""Agency link use cases: create a personal link to one agency's pages, list, revoke and open links, and the
standing link each agency contact's reminders carry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import ValidationError

from roadmap.domain.access_link import AccessLink, sign, signed_by, token_id
from roadmap.domain.contact import Contact
from roadmap.domain.errors import InvalidInput, StorageError, first_problem
from roadmap.domain.permission import Ability, Principal, link_holder
from roadmap.services.access import require
from roadmap.services.ports import UnitOfWork

MAX_DAYS = 366
# A reminder's link is renewed once it has fewer days left than this, so a link just sent still works a while.
REMINDER_LINK_MARGIN = 30
LINK_KEY = "link_key"


@dataclass(frozen=True)
class NewLink:
    """A link just made, with the token that opens it (worked out again from the key, never stored)."""

    link: AccessLink
    token: str


def create_link(uow: UnitOfWork, agency: str, *, days: int, label: str, today: date) -> NewLink:
    """A link to one agency's pages that works for `days` days from today (the real day: a link's life is not
    counted from a simulated date, which could make it last for years)."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"--days must be between 1 and {MAX_DAYS}, got {days}")
    try:
        link = AccessLink(agency=agency, label=label, expires_on=today + timedelta(days=days))
    except ValidationError as error:
        raise InvalidInput(first_problem(error, "link")) from None
    with uow:
        require(uow, Ability.RUN_STATE)
        stored = uow.links.add(link)
        token = sign(stored, _key(uow))
        uow.commit()
    return NewLink(stored, token)


def list_links(uow: UnitOfWork, agency: str | None = None) -> list[AccessLink]:
    """Every link (of one agency), without tokens."""
    with uow:
        require(uow, Ability.RUN_STATE)
        if agency is not None:
            uow.agencies.get(agency)
        return uow.links.listed(agency)


def revoke_link(uow: UnitOfWork, link_id: int, *, at: datetime) -> AccessLink:
    """Stop a link from working at once."""
    with uow:
        require(uow, Ability.RUN_STATE)
        revoked = uow.links.revoke(link_id, at)
        uow.commit()
    return revoked


def open_link(uow: UnitOfWork, token: str, *, on: date) -> AccessLink | None:
    """The link this token opens, if it was signed for it and still works on this day (the real day: a page shown
    as of another date does not revive an expired link)."""
    link_id = token_id(token)
    if link_id is None or link_id > 2**31 - 1:
        return None
    with uow:
        link = uow.links.get(link_id)
        key = _key(uow)
    return link if link is not None and signed_by(link, token, key) and link.opens(on) else None


def link_principal(
    uow: UnitOfWork, token: str, *, on: date, abilities: Iterable[Ability], via: str = "link"
) -> Principal | None:
    """Who holds this token: the contact it was sent to (or its label), limited to its agency and `abilities`."""
    link = open_link(uow, token, on=on)
    if link is None:
        return None
    contact = None
    if link.contact_id is not None:
        with uow:
            contact = next((c.name for c in uow.contacts.listed(link.agency) if c.id == link.contact_id), None)
    return link_holder(link.agency, contact or link.label or None, abilities, via=via)


def reminder_tokens(uow: UnitOfWork, contacts: Iterable[Contact], *, on: date, days: int) -> dict[int, str]:
    """In an open unit of work: the token each agency contact's reminders carry, by contact id.

    A contact keeps one link while it has a month left; then (or once it is revoked) a new one is made for
    `days` days. State contacts get none: they sign in and see everything.
    """
    wanted = {contact.id: contact for contact in contacts if contact.agency is not None and contact.id is not None}
    if not wanted:
        return {}
    current: dict[int, AccessLink] = {}
    for link in uow.links.of_contacts(list(wanted), on):
        # Newest first: the first lasting link of a contact is the one to send.
        if link.contact_id is not None and link.contact_id not in current and link.lasts(on, REMINDER_LINK_MARGIN):
            current[link.contact_id] = link
    for contact_id, contact in wanted.items():
        if contact_id not in current and contact.agency is not None:
            made = AccessLink(
                agency=contact.agency,
                label=f"reminders to {contact.name}"[:120],
                expires_on=on + timedelta(days=days),
                contact_id=contact_id,
            )
            current[contact_id] = uow.links.add(made)
    key = _key(uow)
    return {contact_id: sign(link, key) for contact_id, link in current.items()}


def link_key(uow: UnitOfWork) -> str:
    """The state's key that signs agency links (and ties the web's forms to their visitor)."""
    with uow:
        return _key(uow)


def _key(uow: UnitOfWork) -> str:
    key = uow.meta.get(LINK_KEY)
    if key is None:
        # Made by migration 0009; a database without it was altered by hand.
        raise StorageError("the database has no link key: run `ips-roadmap init` to upgrade it")
    return key
