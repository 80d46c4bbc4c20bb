"""Contacts in SQL."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from roadmap.domain.audit import contact_change
from roadmap.domain.contact import Contact, Role
from roadmap.domain.errors import NotFound
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.mapping import agency_row_id
from roadmap.store.plain import plain
from roadmap.store.tables import AgencyRow, ContactRow


class SqlContactRepository:
    """Agency and state contacts."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def listed(self, agency: str | None = None) -> list[Contact]:
        query = select(ContactRow, AgencyRow.slug).outerjoin(ContactRow.agency)
        if agency is not None:
            query = query.where(AgencyRow.slug == agency)
        rows = self._session.execute(query.order_by(AgencyRow.slug.nulls_first(), ContactRow.role, ContactRow.name))
        return [_contact(row, slug) for row, slug in rows]

    def reminded(self, agencies: Collection[str]) -> list[Contact]:
        query = select(ContactRow, AgencyRow.slug).outerjoin(ContactRow.agency)
        rows = self._session.execute(query.where(or_(ContactRow.agency_id.is_(None), AgencyRow.slug.in_(agencies))))
        return [_contact(row, slug) for row, slug in rows]

    def roles(self) -> list[tuple[str | None, Role]]:
        """Every contact's (agency slug or None, role) — one narrow query, no channels read."""
        query = select(AgencyRow.slug, ContactRow.role).select_from(ContactRow).outerjoin(ContactRow.agency)
        return [(slug, Role(role)) for slug, role in plain(self._session, query)]

    def who(self) -> list[tuple[str | None, int, Role]]:
        """Every contact's (agency slug or None, id, role), in one narrow query."""
        query = (
            select(AgencyRow.slug, ContactRow.id, ContactRow.role).select_from(ContactRow).outerjoin(ContactRow.agency)
        )
        return [(slug, contact_id, Role(role)) for slug, contact_id, role in plain(self._session, query)]

    def add(self, contact: Contact) -> Contact:
        row = ContactRow(
            agency_id=agency_row_id(self._session, contact.agency) if contact.agency is not None else None,
            role=contact.role.value,
            name=contact.name,
            email=contact.email,
            notify=list(contact.notify),
            timezone=contact.timezone,
        )
        self._session.add(row)
        self._session.flush()
        stored = _contact(row, contact.agency)
        self._audit.record([contact_change(None, stored)])
        return stored

    def delete_all(self) -> None:
        removed = self.listed()
        # The outbox rows of these contacts go with them (ON DELETE CASCADE).
        self._session.execute(delete(ContactRow))
        self._audit.record(contact_change(contact, None) for contact in removed)

    def replace(self, contact: Contact) -> Contact:
        """Store a contact's new fields (its id and agency stay); the trail keeps before and after."""
        row = self._session.get(ContactRow, contact.id)
        if row is None:
            raise NotFound(f"no contact {contact.id}; `ips-roadmap contact list` shows them")
        before = _contact(row, contact.agency)
        row.role, row.name, row.email = contact.role.value, contact.name, contact.email
        row.notify, row.timezone = list(contact.notify), contact.timezone
        self._audit.record([contact_change(before, contact)])
        return contact

    def remove(self, contact_id: int) -> Contact:
        found = self._session.execute(
            select(ContactRow, AgencyRow.slug).outerjoin(ContactRow.agency).where(ContactRow.id == contact_id)
        ).one_or_none()
        if found is None:
            raise NotFound(f"no contact {contact_id}; `ips-roadmap contact list` shows them")
        removed = _contact(found[0], found[1])
        self._session.delete(found[0])
        self._audit.record([contact_change(removed, None)])
        return removed


def _contact(row: ContactRow, slug: str | None) -> Contact:
    return Contact(
        id=row.id,
        agency=slug,
        role=Role(row.role),
        name=row.name,
        email=row.email,
        notify=tuple(row.notify),
        timezone=row.timezone,
    )
