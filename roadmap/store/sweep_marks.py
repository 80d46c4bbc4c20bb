"""What the last sweep found for each agency (domain/sweep_mark.py), kept as derived rows."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, cast

from sqlalchemy import Table, and_, delete, insert, select
from sqlalchemy.orm import Session

from roadmap.domain.sweep_mark import Sweepable, SweepMark
from roadmap.store.chunks import chunks
from roadmap.store.database import SCHEMA_HEAD
from roadmap.store.plain import plain
from roadmap.store.tables import CHANGES_NOTHING_DUE, AgencyRow, DueStandingRow, SweepMarkRow

_QUIET = {CHANGES_NOTHING_DUE: True}


class SqlSweepMarks:
    """The sweep's marks, read with every agency in one statement."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def every(self, basis: str, due_basis: str) -> list[Sweepable]:
        """Every agency, by slug, with its mark when one was written under these rules and this schema, and the
        day its kept due entries are for when they are current for its records and the due list's rules."""
        stamp, due_stamp = f"{basis}:{SCHEMA_HEAD}", f"{due_basis}:{SCHEMA_HEAD}"
        marked = and_(SweepMarkRow.agency_id == AgencyRow.id, SweepMarkRow.stamp == stamp)
        current = and_(
            DueStandingRow.agency_id == AgencyRow.id,
            DueStandingRow.basis == due_stamp,
            DueStandingRow.generation == AgencyRow.generation,
        )
        query = (
            select(
                AgencyRow.slug, AgencyRow.joined_on, AgencyRow.archived_on, AgencyRow.generation,
                SweepMarkRow.swept_for, SweepMarkRow.generation, SweepMarkRow.reach, SweepMarkRow.quiet_until,
                SweepMarkRow.items, SweepMarkRow.current_stage, SweepMarkRow.stage_days, DueStandingRow.computed_for,
            )
            .outerjoin(SweepMarkRow, marked)
            .outerjoin(DueStandingRow, current)
            .order_by(AgencyRow.slug)
        )  # fmt: skip
        found = []
        for slug, joined, archived, generation, swept, *mark, due_for in plain(self._session, query).tuples():
            kept = None
            if swept is not None:
                marked_at, reach, quiet_until, items, stage, days = mark
                position = (stage, days) if stage is not None else None
                kept = SweepMark(swept, marked_at, reach, quiet_until, items, position)
            found.append(Sweepable(slug, joined, archived, generation, kept, due_for))
        return found

    def generations(self, slugs: Collection[str]) -> dict[str, int]:
        """The agencies' generations in this transaction (by slug): a mark names the one it was worked out at."""
        found: dict[str, int] = {}
        for chunk in chunks(list(slugs)):
            query = select(AgencyRow.slug, AgencyRow.generation).where(AgencyRow.slug.in_(chunk))
            found.update(plain(self._session, query).tuples().all())
        return found

    def keep(self, basis: str, marks: Mapping[str, SweepMark]) -> int:
        """Write these agencies' marks (by slug) in place of what they had; how many were written."""
        ids: dict[str, int] = {}
        for chunk in chunks(list(marks)):
            query = select(AgencyRow.slug, AgencyRow.id).where(AgencyRow.slug.in_(chunk))
            ids.update(plain(self._session, query).tuples().all())
        for some in chunks(list(ids.values())):
            self._session.execute(
                delete(SweepMarkRow).where(SweepMarkRow.agency_id.in_(some)).execution_options(**_QUIET)
            )
        rows = [_row(ids[slug], f"{basis}:{SCHEMA_HEAD}", mark) for slug, mark in marks.items() if slug in ids]
        if rows:
            self._session.execute(insert(cast(Table, SweepMarkRow.__table__)).execution_options(**_QUIET), rows)
        return len(rows)


def _row(agency_id: int, stamp: str, mark: SweepMark) -> dict[str, Any]:
    stage, days = mark.position or (None, None)
    return {
        "agency_id": agency_id, "swept_for": mark.swept_for, "stamp": stamp, "generation": mark.generation,
        "reach": mark.reach, "quiet_until": mark.quiet_until, "items": mark.items, "current_stage": stage,
        "stage_days": days,
    }  # fmt: skip
