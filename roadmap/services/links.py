"""Agency link use cases: create a personal link to one agency's pages, list links, revoke one, open one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import ValidationError

from roadmap.domain.access_link import AccessLink, new_secret, secret_hash
from roadmap.domain.errors import InvalidInput, first_problem
from roadmap.services.ports import UnitOfWork

MAX_DAYS = 366


@dataclass(frozen=True)
class NewLink:
    """A link just made: the secret is shown this once and never stored."""

    link: AccessLink
    secret: str


def create_link(uow: UnitOfWork, agency: str, *, days: int, label: str, as_of: date) -> NewLink:
    """A link to one agency's pages that works for `days` days from as_of."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"--days must be between 1 and {MAX_DAYS}, got {days}")
    try:
        link = AccessLink(agency=agency, label=label, expires_on=as_of + timedelta(days=days))
    except ValidationError as error:
        raise InvalidInput(first_problem(error, "link")) from None
    secret = new_secret()
    with uow:
        stored = uow.links.add(link, secret_hash(secret))
        uow.commit()
    return NewLink(stored, secret)


def list_links(uow: UnitOfWork, agency: str | None = None) -> list[AccessLink]:
    """Every link (of one agency), without secrets."""
    with uow:
        if agency is not None:
            uow.agencies.get(agency)
        return uow.links.listed(agency)


def revoke_link(uow: UnitOfWork, link_id: int, *, at: datetime) -> AccessLink:
    """Stop a link from working at once."""
    with uow:
        revoked = uow.links.revoke(link_id, at)
        uow.commit()
    return revoked


def open_link(uow: UnitOfWork, secret: str, *, on: date) -> AccessLink | None:
    """The link this secret belongs to, if it still works on this day."""
    with uow:
        link = uow.links.by_hash(secret_hash(secret))
    return link if link is not None and link.opens(on) else None
