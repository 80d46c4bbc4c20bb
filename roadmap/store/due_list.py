"""What is due across the state, kept as derived rows: each agency's items as last worked out, and for what.

An agency's rows are stale once the day, the rules (`basis`) or the agency's generation (bumped in the same
transaction as any change to what its items are worked out from, see changes.py) differ from those they were
worked out for; the service works out the stale ones again before a list is read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    String,
    Table,
    and_,
    case,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from roadmap.domain.agency import Placed
from roadmap.domain.due import DueItem, DueKind, DueSlice, Worked
from roadmap.domain.routine import ROUTINE_KINDS
from roadmap.store.chunks import chunks
from roadmap.store.database import SCHEMA_HEAD
from roadmap.store.locks import hold
from roadmap.store.plain import plain
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
            .where(_stale(as_of, stamp))
        )
        if agencies is None:
            return stamp, list(plain(self._session, query.order_by(AgencyRow.slug)).tuples())
        found: list[tuple[str, int]] = []
        for chunk in chunks(list(agencies)):
            found += plain(self._session, query.where(AgencyRow.slug.in_(chunk))).tuples()
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
        entries = [_entry(agency_id, item) for agency_id, worked in kept for item in worked.items]
        standings = [
            {"agency_id": agency_id, "computed_for": as_of, "basis": stamp, "generation": worked.generation,
             "current_stage": worked.position[0] if worked.position else None,
             "stage_days": worked.position[1] if worked.position else None}
            for agency_id, worked in kept
        ]  # fmt: skip
        durations = [
            {"agency_id": agency_id, "stage": stage, "days": days}
            for agency_id, worked in kept
            for stage, days in worked.taken.items()
        ]
        # Inserted into the tables, not through the ORM's bulk path: a sweep writes every agency's entries.
        for table, rows in ((DueEntryRow, entries), (DueStandingRow, standings), (StageDurationRow, durations)):
            if rows:
                self._session.execute(insert(cast(Table, table.__table__)).execution_options(**_QUIET), rows)
        return len(present)

    def roll_forward(self, as_of: date, basis: str, since: Mapping[date, Collection[str]]) -> int:
        """Move these agencies' kept rows from the day they are for (the key) to as_of, a day on which the sweep
        found them unchanged: the same entries, and each active gate's days counted on. Rows that went stale
        meanwhile (changed, rules changed, no longer for that day) are left to be worked out; how many moved."""
        stamp = f"{basis}:{SCHEMA_HEAD}"
        current = select(AgencyRow.generation).where(AgencyRow.id == DueStandingRow.agency_id).scalar_subquery()
        moved = 0
        for day, slugs in sorted(since.items()):
            for chunk in chunks(sorted(slugs)):
                chosen = AgencyRow.slug.in_(chunk)
                hold(self._session, AgencyRow.slug, chosen, key_share=True)  # in slug order, as writers hold them
                statement = (
                    update(DueStandingRow)
                    .where(
                        DueStandingRow.agency_id.in_(select(AgencyRow.id).where(chosen)),
                        DueStandingRow.computed_for == day,
                        DueStandingRow.basis == stamp,
                        DueStandingRow.generation == current,
                    )
                    .values(computed_for=as_of, stage_days=DueStandingRow.stage_days + (as_of - day).days)
                    .execution_options(synchronize_session=False, **_QUIET)
                )
                moved += cast(CursorResult[Any], self._session.execute(statement)).rowcount
        return moved

    def earliest(self, as_of: date, basis: str, purposes: Collection[str]) -> dict[str, str]:
        """Per visit purpose, the agency (by slug, the first in slug order among equals) whose current kept entries
        hold that purpose's earliest occurrence (a routine keyed `purpose:period`, or the fidelity review)."""
        fresh = _fresh(as_of, f"{basis}:{SCHEMA_HEAD}")
        found: dict[str, str] = {}
        for purpose in sorted(purposes):
            chosen = (
                DueEntryRow.kind == DueKind.FIDELITY_REVIEW.value
                if purpose == DueKind.FIDELITY_REVIEW.value
                # Subjects starting `purpose:`, as a range in code-point order (';' follows ':'), which the subject
                # index serves; a LIKE pattern it cannot.
                else and_(DueEntryRow.kind.in_([kind.value for kind in ROUTINE_KINDS]),
                          self._by_code_point(DueEntryRow.subject) >= f"{purpose}:",
                          self._by_code_point(DueEntryRow.subject) < f"{purpose};")
            )  # fmt: skip
            # The purpose's entries first, on their own: PostgreSQL's planner otherwise walks the due-date index
            # for the first match (it expects a few hundred of a routine's ten thousand rows), 44 ms against 26.
            entries = (
                select(DueEntryRow.agency_id, DueEntryRow.due_on)
                .where(chosen)
                .cte("chosen")
                .prefix_with("MATERIALIZED", dialect="postgresql")
            )
            query = (
                select(AgencyRow.slug)
                .join(entries, entries.c.agency_id == AgencyRow.id)
                .join(DueStandingRow, DueStandingRow.agency_id == AgencyRow.id)
                .where(fresh)
                .order_by(entries.c.due_on, self._by_code_point(AgencyRow.slug))
                .limit(1)
            )
            slug = self._session.scalar(query)
            if slug is not None:
                found[purpose] = slug
        return found

    def durations(self, as_of: date, basis: str) -> tuple[dict[str, list[int]], list[str]]:
        """The days agencies took over the stages they completed, from the rows worked out for this day, basis and
        generation (stage -> days, one per agency), and the slugs of the agencies whose rows are stale. One
        statement, so the two halves agree even while others write; the days come counted by value, so ten
        thousand agencies cost a row per distinct duration rather than one per agency and stage."""
        stamp = f"{basis}:{SCHEMA_HEAD}"
        counted = (
            select(StageDurationRow.stage, StageDurationRow.days, func.count(), sql_cast(null(), String))
            .join(AgencyRow, AgencyRow.id == StageDurationRow.agency_id)
            .join(DueStandingRow, DueStandingRow.agency_id == AgencyRow.id)
            .where(_fresh(as_of, stamp))
            .group_by(StageDurationRow.stage, StageDurationRow.days)
        )
        stale = (
            select(sql_cast(null(), String), sql_cast(null(), Integer), sql_cast(null(), BigInteger), AgencyRow.slug)
            .outerjoin(DueStandingRow, DueStandingRow.agency_id == AgencyRow.id)
            .where(_stale(as_of, stamp))
        )
        taken: dict[str, list[int]] = {}
        gone: list[str] = []
        for stage, days, count, slug in plain(self._session, union_all(counted, stale)).tuples():
            if slug is not None:
                gone.append(slug)
            else:
                taken.setdefault(stage, []).extend([days] * count)
        return taken, sorted(gone)

    def placed(self, as_of: date, basis: str) -> list[Placed]:
        """Every agency as a list of them all reads it, by slug, with its position (active gate, days towards a
        stall) where its rows are current for this day, basis and generation (`kept` False where they are not)."""
        fresh = _fresh(as_of, f"{basis}:{SCHEMA_HEAD}")
        query = (
            select(
                AgencyRow.slug, AgencyRow.name, AgencyRow.region, AgencyRow.launched_on, AgencyRow.archived_on,
                case((fresh, True), else_=False), case((fresh, DueStandingRow.current_stage)),
                case((fresh, DueStandingRow.stage_days)),
            )
            .outerjoin(DueStandingRow, DueStandingRow.agency_id == AgencyRow.id)
            .order_by(AgencyRow.slug)
        )  # fmt: skip
        return [Placed._make(row) for row in plain(self._session, query).tuples()]

    def listed(
        self, *, as_of: date, until: date, agencies: Collection[str] | None = None, offset: int = 0, limit: int = 200
    ) -> DueSlice:
        """A page of what falls due by `until` (overdue first, then soonest), with the total and overdue counts."""
        chosen: list[Any] = [DueEntryRow.due_on <= until]
        if agencies is not None:
            chosen.append(AgencyRow.slug.in_(agencies))
        joined = select(DueEntryRow).join(AgencyRow, AgencyRow.id == DueEntryRow.agency_id).where(*chosen).subquery()
        overdue = func.coalesce(func.sum(case((joined.c.due_on < as_of, 1), else_=0)), 0)
        total, late = plain(self._session, select(func.count(), overdue).select_from(joined)).one()
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
        rows = plain(self._session, query).all()
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


def _fresh(as_of: date, stamp: str) -> ColumnElement[bool]:
    """An agency's kept rows were worked out for this day, these rules and schema, and its current records."""
    return and_(
        DueStandingRow.computed_for == as_of,
        DueStandingRow.basis == stamp,
        DueStandingRow.generation == AgencyRow.generation,
    )


def _stale(as_of: date, stamp: str) -> ColumnElement[bool]:
    """An agency's kept rows are missing, or were worked out for another day, rules, schema or records."""
    return or_(
        DueStandingRow.agency_id.is_(None),
        DueStandingRow.computed_for != as_of,
        DueStandingRow.basis != stamp,
        DueStandingRow.generation != AgencyRow.generation,
    )
