"""Agency links in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadmap.domain.access_link import AccessLink
from roadmap.domain.errors import NotFound
from roadmap.store.mapping import agency_row_id
from roadmap.store.tables import AccessLinkRow, AgencyRow


class SqlAccessLinkRepository:
    """Links by id and by the hash of their secret."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, link: AccessLink, secret_hash: str) -> AccessLink:
        row = AccessLinkRow(
            agency_id=agency_row_id(self._session, link.agency),
            secret_hash=secret_hash,
            label=link.label,
            expires_on=link.expires_on,
        )
        self._session.add(row)
        self._session.flush()
        return link.model_copy(update={"id": row.id})

    def by_hash(self, secret_hash: str) -> AccessLink | None:
        found = self._session.execute(
            select(AccessLinkRow, AgencyRow.slug)
            .join(AgencyRow, AgencyRow.id == AccessLinkRow.agency_id)
            .where(AccessLinkRow.secret_hash == secret_hash)
        ).one_or_none()
        return None if found is None else _link(*found)

    def listed(self, agency: str | None = None) -> list[AccessLink]:
        query = select(AccessLinkRow, AgencyRow.slug).join(AgencyRow, AgencyRow.id == AccessLinkRow.agency_id)
        if agency is not None:
            query = query.where(AgencyRow.slug == agency)
        return [_link(row, slug) for row, slug in self._session.execute(query.order_by(AccessLinkRow.id))]

    def revoke(self, link_id: int, at: datetime) -> AccessLink:
        found = self._session.execute(
            select(AccessLinkRow, AgencyRow.slug)
            .join(AgencyRow, AgencyRow.id == AccessLinkRow.agency_id)
            .where(AccessLinkRow.id == link_id)
        ).one_or_none()
        if found is None:
            raise NotFound(f"no link {link_id}; `ips-roadmap link list` shows them")
        row, slug = found
        if row.revoked_at is None:
            row.revoked_at = at
        return _link(row, slug)


def _link(row: AccessLinkRow, slug: str) -> AccessLink:
    return AccessLink(id=row.id, agency=slug, label=row.label, expires_on=row.expires_on, revoked_at=row.revoked_at)
