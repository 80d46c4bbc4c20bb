"""Agency links in SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from roadmap.domain.access_link import AccessLink
from roadmap.domain.audit import link_change
from roadmap.domain.errors import NotFound
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.mapping import agency_row_id
from roadmap.store.tables import AccessLinkRow, AgencyRow


class SqlAccessLinkRepository:
    """Links by id, by agency and by the contact whose reminders carry them."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def add(self, link: AccessLink) -> AccessLink:
        row = AccessLinkRow(
            agency_id=agency_row_id(self._session, link.agency),
            label=link.label,
            expires_on=link.expires_on,
            contact_id=link.contact_id,
            salt=link.salt,
        )
        self._session.add(row)
        self._session.flush()
        stored = link.model_copy(update={"id": row.id})
        self._audit.record([link_change(None, stored)])
        return stored

    def get(self, link_id: int) -> AccessLink | None:
        found = self._session.execute(_links().where(AccessLinkRow.id == link_id)).one_or_none()
        return None if found is None else _link(*found)

    def of_contacts(self, contact_ids: Collection[int], on: date) -> list[AccessLink]:
        query = (
            _links()
            .where(
                AccessLinkRow.contact_id.in_(contact_ids),
                AccessLinkRow.revoked_at.is_(None),
                AccessLinkRow.expires_on >= on,
            )
            .order_by(AccessLinkRow.id.desc())
        )
        return [_link(row, slug) for row, slug in self._session.execute(query)]

    def listed(self, agency: str | None = None) -> list[AccessLink]:
        query = _links()
        if agency is not None:
            query = query.where(AgencyRow.slug == agency)
        return [_link(row, slug) for row, slug in self._session.execute(query.order_by(AccessLinkRow.id))]

    def revoke(self, link_id: int, at: datetime) -> AccessLink:
        found = self._session.execute(_links().where(AccessLinkRow.id == link_id)).one_or_none()
        if found is None:
            raise NotFound(f"no link {link_id}; `ips-roadmap link list` shows them")
        row, slug = found
        if row.revoked_at is None:
            before = _link(row, slug)
            row.revoked_at = at
            self._audit.record([link_change(before, _link(row, slug))])
        return _link(row, slug)


def _links() -> Select[tuple[AccessLinkRow, str]]:
    return select(AccessLinkRow, AgencyRow.slug).join(AgencyRow, AgencyRow.id == AccessLinkRow.agency_id)


def _link(row: AccessLinkRow, slug: str) -> AccessLink:
    return AccessLink(
        id=row.id,
        agency=slug,
        label=row.label,
        expires_on=row.expires_on,
        revoked_at=row.revoked_at,
        contact_id=row.contact_id,
        salt=row.salt,
    )
