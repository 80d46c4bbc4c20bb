"""Quarterly outcomes in SQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadmap.domain.audit import outcome_added
from roadmap.domain.outcome import QuarterOutcome
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.mapping import agency_row_id
from roadmap.store.tables import AgencyRow, OutcomeRow

_COUNTS = ("served", "working", "job_starts", "in_school", "working_90_days", "jobs_ended_before_90_days", "avg_hours")


class SqlOutcomeRepository:
    """Outcome counts by agency and quarter."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def add(self, outcome: QuarterOutcome) -> None:
        """Store one quarter's counts (the same agency and quarter twice is refused by the database)."""
        row = OutcomeRow(
            agency_id=agency_row_id(self._session, outcome.agency),
            quarter=outcome.quarter,
            reported_on=outcome.reported_on,
            **{name: getattr(outcome, name) for name in _COUNTS},
        )
        self._session.add(row)
        self._session.flush()
        self._audit.record([outcome_added(outcome)])

    def listed(self, agency: str | None = None) -> list[QuarterOutcome]:
        """Every agency's (or one agency's) quarters, by agency then quarter."""
        query = select(OutcomeRow, AgencyRow.slug).join(AgencyRow, AgencyRow.id == OutcomeRow.agency_id)
        if agency is not None:
            query = query.where(AgencyRow.slug == agency)
        rows = self._session.execute(query.order_by(AgencyRow.slug, OutcomeRow.quarter))
        return [
            QuarterOutcome(
                agency=slug,
                quarter=row.quarter,
                reported_on=row.reported_on,
                **{name: getattr(row, name) for name in _COUNTS},
            )
            for row, slug in rows
        ]
