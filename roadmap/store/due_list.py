"""What is due across the state, kept as derived rows: each agency's items as last worked out, and for what.

An agency's rows are stale once the day, the rules (`basis`) or the agency's generation (bumped in the same
transaction as any change to what its items are worked out from, see changes.py) differ from those they were
worked out for; the service works out the stale ones again before a list is read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from roadmap.domain.due import DueItem, DueKind, DueSlice, Worked
from roadmap.store.chunks import chunks
from roadmap.store.database import SCHEMA_HEAD
from roadmap.store.locks import hold
from roadmap.store.tables import CHANGES_NOTHING_DUE, AgencyRow, DueEntryRow, DueStandingRow, StageDurationRow

_QUIET = {CHANGES_NOTHING_DUE: True}


class SqlDueList:
    """The derived due entries and the standings that say what they were worked out for."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def stale(
        self, as_of: date, basis: str, agencies: Collection[str] | None = None
    ) -> tuple[str, list[tuple[str, int]]]:
        """(the basis to stamp, [(slug, generation)]) of every agency (of these, if given) whose entries were not
        worked out for this day, basis and generation. Read before the agencies' own records: a change committed
        after this read bumps a generation past the one returned, so what is worked out from older records is
        stale again."""
        # The schema too: a later migration may change rows the entries were worked out from, unseen by changes.py.
        stamp = f"{basis}:{SCHEMA_HEAD}"
        query = (
            select(AgencyRow.slug, AgencyRow.generation)
            .outerjoin(DueStandingRow, DueStandingRow.agency_id == AgencyRow.id)
            .where(
                or_(
                    DueStandingRow.agency_id.is_(None),
                    DueStandingRow.computed_for != as_of,
                    DueStandingRow.basis != stamp,
                    DueStandingRow.generation != AgencyRow.generation,
                )
            )
        )
        if agencies is None:
            return stamp, list(self._session.execute(query.order_by(AgencyRow.slug)).tuples())
        found: list[tuple[str, int]] = []
        for chunk in chunks(list(agencies)):
            found += self._session.execute(query.where(AgencyRow.slug.in_(chunk))).tuples()
        return stamp, sorted(found)

    def replace(self, as_of: date, stamp: str, found: Mapping[str, Worked]) -> int:
        """Write these agencies' entries and standings in place of what they had; how many were written.

        The agencies are held first (in slug order, as writers hold them), so two readers writing back the same
        agency take turns; then only the ones still at the generation they were worked out at are written: an
        agency changed since (or written back already by a reader that saw the change) is left as it is.
        """
        ids: dict[str, int] = {}
        for chunk in chunks(list(found)):
            hold(self._session, AgencyRow.slug, AgencyRow.slug.in_(chunk), key_share=True)
            query = select(AgencyRow.slug, AgencyRow.id, AgencyRow.generation).where(AgencyRow.slug.in_(chunk))
            ids.update(
                (slug, agency_id)
                for slug, agency_id, generation in self._session.execute(query).tuples()
                if generation == found[slug][0]  # an agency removed since is simply left out too
            )
        present = list(ids.values())
        for some in chunks(present):
            for table in (DueEntryRow, DueStandingRow, StageDurationRow):
                self._session.execute(delete(table).where(table.agency_id.in_(some)).execution_options(**_QUIET))
        kept = [(ids[slug], worked) for slug, worked in found.items() if slug in ids]
        entries = [_entry(agency_id, item) for agency_id, (_, items, _) in kept for item in items]
        standings = [
            {"agency_id": agency_id, "computed_for": as_of, "basis": stamp, "generation": generation}
            for agency_id, (generation, _, _) in kept
        ]
        durations = [
            {"agency_id": agency_id, "stage": stage, "days": days}
            for agency_id, (_, _, taken) in kept
            for stage, days in taken.items()
        ]
        # Inserted into the tables, not through the ORM's bulk path: a sweep writes every agency's entries.
        for table, rows in ((DueEntryRow, entries), (DueStandingRow, standings), (StageDurationRow, durations)):
            if rows:
                self._session.execute(insert(cast(Table, table.__table__)).execution_options(**_QUIET), rows)
        return len(present)

    def durations(self, as_of: date, basis: str) -> tuple[dict[str, list[int]], list[str]]:
        """The days agencies took over the stages they completed, from the rows worked out for this day, basis and
        generation (stage -> days, one per agency), and the slugs of the agencies whose rows are stale. One
        statement, so the two halves agree even while others write."""
        stamp = f"{basis}:{SCHEMA_HEAD}"
        fresh = and_(
            DueStandingRow.computed_for == as_of,
            DueStandingRow.basis == stamp,
            DueStandingRow.generation == AgencyRow.generation,
        )
        query = (
            select(AgencyRow.slug, case((fresh, True), else_=False), StageDurationRow.stage, StageDurationRow.days)
            .outerjoin(DueStandingRow, DueStandingRow.agency_id == AgencyRow.id)
            .outerjoin(StageDurationRow, StageDurationRow.agency_id == AgencyRow.id)
        )
        taken: dict[str, list[int]] = {}
        stale: set[str] = set()
        for slug, current, stage, days in self._session.execute(query).tuples():
            if not current:
                stale.add(slug)
            elif stage is not None:
                taken.setdefault(stage, []).append(days)
        return taken, sorted(stale)

    def listed(
        self, *, as_of: date, until: date, agencies: Collection[str] | None = None, offset: int = 0, limit: int = 200
    ) -> DueSlice:
        """A page of what falls due by `until` (overdue first, then soonest), with the total and overdue counts."""
        chosen: list[Any] = [DueEntryRow.due_on <= until]
        if agencies is not None:
            chosen.append(AgencyRow.slug.in_(agencies))
        joined = select(DueEntryRow).join(AgencyRow, AgencyRow.id == DueEntryRow.agency_id).where(*chosen).subquery()
        overdue = func.coalesce(func.sum(case((joined.c.due_on < as_of, 1), else_=0)), 0)
        total, late = self._session.execute(select(func.count(), overdue).select_from(joined)).one()
        # Ordered as the live list is (by code point): PostgreSQL's default collation would sort by language.
        order = [self._by_code_point(column) for column in (AgencyRow.slug, DueEntryRow.kind, DueEntryRow.subject)]
        query = (
            select(
                AgencyRow.slug,
                AgencyRow.name,
                DueEntryRow.kind,
                DueEntryRow.subject,
                DueEntryRow.title,
                DueEntryRow.stage,
                DueEntryRow.due_on,
                DueEntryRow.state_run,
            )
            .join(AgencyRow, AgencyRow.id == DueEntryRow.agency_id)
            .where(*chosen)
            .order_by(DueEntryRow.due_on, *order, DueEntryRow.id)
            .offset(offset)
            .limit(limit)
        )
        rows = self._session.execute(query).all()
        items = [
            DueItem(
                agency=slug,
                kind=DueKind(kind),
                subject=subject,
                title=title,
                stage=stage,
                due_on=due_on,
                state_run=state_run,
            )
            for slug, _, kind, subject, title, stage, due_on, state_run in rows
        ]
        return DueSlice(items, {row[0]: row[1] for row in rows}, total, late)

    def _by_code_point(self, column: Any) -> Any:
        # SQLite compares text by code point already (and knows no collation named C).
        return column.collate("C") if self._session.get_bind().dialect.name == "postgresql" else column


def _entry(agency_id: int, item: DueItem) -> dict[str, Any]:
    return {
        "agency_id": agency_id, "kind": item.kind.value, "subject": item.subject, "title": item.title,
        "stage": item.stage, "due_on": item.due_on, "state_run": item.state_run,
    }  # fmt: skip
