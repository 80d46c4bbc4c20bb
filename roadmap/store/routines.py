"""When routines were done, in SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadmap.store.reviews import agency_id
from roadmap.store.tables import AgencyRow, RoutineDoneRow


class SqlRoutineLog:
    """Routine occurrences by agency slug and routine key."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, agency: str, routine: str, done_on: date) -> None:
        self._session.add(RoutineDoneRow(agency_id=agency_id(self._session, agency), routine=routine, done_on=done_on))

    def done(self, slugs: Collection[str] | None = None) -> dict[str, dict[str, list[date]]]:
        """Agency slug -> routine key -> the dates it was done, oldest first — one query."""
        query = select(AgencyRow.slug, RoutineDoneRow.routine, RoutineDoneRow.done_on).join(
            AgencyRow, AgencyRow.id == RoutineDoneRow.agency_id
        )
        if slugs is not None:
            query = query.where(AgencyRow.slug.in_(slugs))
        found: dict[str, dict[str, list[date]]] = {}
        for slug, routine, done_on in self._session.execute(query.order_by(RoutineDoneRow.done_on)):
            found.setdefault(slug, {}).setdefault(routine, []).append(done_on)
        return found
