"""When routines were done, in SQL."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadmap.domain.audit import routine_done
from roadmap.domain.routine import Occurrence
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.mapping import agency_row_id
from roadmap.store.plain import plain
from roadmap.store.tables import AgencyRow, RoutineDoneRow


class SqlRoutineLog:
    """Routine occurrences by agency slug and routine key."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def add(self, agency: str, routine: str, occurrence: Occurrence) -> None:
        self._session.add(
            RoutineDoneRow(
                agency_id=agency_row_id(self._session, agency),
                routine=routine,
                done_on=occurrence.on,
                period=occurrence.period or "",
            )
        )
        self._audit.record([routine_done(agency, routine, occurrence)])

    def done(self, slugs: Collection[str] | None = None) -> dict[str, dict[str, list[Occurrence]]]:
        """Agency slug -> routine key -> when it was done (and for which quarter), oldest first — one query."""
        query = select(AgencyRow.slug, RoutineDoneRow.routine, RoutineDoneRow.done_on, RoutineDoneRow.period).join(
            AgencyRow, AgencyRow.id == RoutineDoneRow.agency_id
        )
        if slugs is not None:
            query = query.where(AgencyRow.slug.in_(slugs))
        found: dict[str, dict[str, list[Occurrence]]] = {}
        rows = plain(self._session, query.order_by(RoutineDoneRow.done_on, RoutineDoneRow.period))
        for slug, routine, done_on, period in rows:
            found.setdefault(slug, {}).setdefault(routine, []).append(Occurrence(done_on, period or None))
        return found
