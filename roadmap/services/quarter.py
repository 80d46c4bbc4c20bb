"""The state's quarterly roadmap summary: per agency, what moved in a calendar quarter and whether it reported.

Built from recorded facts only (stage dates, reviews, routine dates), as they stood on the date it is run for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import standing
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import InvalidInput
from roadmap.domain.routine import quarter_end, quarter_label, quarter_of, quarter_start
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.routines import running_since

OUTCOME_ROUTINE = "outcome-report"
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class AgencyQuarter:
    """One agency's quarter."""

    agency: str
    name: str
    region: str
    stage_at_end: str | None
    stages_completed: tuple[str, ...]
    reviews: tuple[tuple[date, int], ...]
    routines_kept: int
    outcome_due: date | None  # None: not owed for this quarter (not running IPS services for all of it)
    outcome_received: date | None
    outcome_status: str  # received, late (not received, past due), not yet due, not owed


@dataclass(frozen=True)
class QuarterSummary:
    """Every agency's quarter, and the date it was judged."""

    quarter: str
    start: date
    end: date
    as_of: date
    agencies: list[AgencyQuarter] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        """State-wide counts."""
        owed = [a for a in self.agencies if a.outcome_due is not None]
        return {
            "agencies": len(self.agencies),
            "stages_completed": sum(len(a.stages_completed) for a in self.agencies),
            "reviews": sum(len(a.reviews) for a in self.agencies),
            "routines_kept": sum(a.routines_kept for a in self.agencies),
            "outcome_reports_owed": len(owed),
            "outcome_reports_received": sum(1 for a in owed if a.outcome_received),
        }


def parse_quarter(text: str | None, as_of: date) -> tuple[int, int]:
    """'2026Q4', or by default the last quarter that ended before as_of; a quarter not yet begun is refused."""
    if text is None:
        year, quarter = quarter_of(as_of)
        return (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    found = _QUARTER.match(text.strip().upper())
    if not found:
        raise InvalidInput(f"--quarter {text!r} is not a quarter such as 2026Q4")
    year, quarter = int(found[1]), int(found[2])
    if quarter_start(year, quarter) > as_of:
        raise InvalidInput(f"--quarter {text} has not begun (today is {as_of})")
    return year, quarter


def quarter_summary(
    uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, quarter: tuple[int, int], as_of: date
) -> QuarterSummary:
    """What each agency (joined by the quarter's end) did in the quarter, as recorded by as_of."""
    start, end = quarter_start(*quarter), quarter_end(*quarter)
    cutoff = min(end, as_of)
    outcome = roadmap.routines.get(OUTCOME_ROUTINE) if OUTCOME_ROUTINE in _keys(roadmap) else None
    with uow:
        agencies = [agency for agency in uow.agencies.all() if agency.joined_on <= cutoff]
        records = Records.read(uow)
    rows = []
    for agency in agencies:
        context = records.context(agency, roadmap, rules)
        done = context.done
        completed = tuple(
            key
            for key, progress in agency.stages.items()
            if progress.completed_on is not None and start <= progress.completed_on <= cutoff
        )
        due = received = None
        if outcome is not None and outcome.quarterly_due_days is not None:
            since = running_since(context, outcome, cutoff)
            if since is not None and since <= start:
                due = end + timedelta(days=outcome.quarterly_due_days)
                received = next((d for d in done.get(OUTCOME_ROUTINE, []) if end < d <= as_of), None)
        rows.append(
            AgencyQuarter(
                agency=agency.slug,
                name=agency.name,
                region=agency.region,
                stage_at_end=standing(agency, roadmap, cutoff).current_stage,
                stages_completed=completed,
                reviews=tuple(review for review in context.reviews if start <= review[0] <= cutoff),
                routines_kept=sum(
                    1 for key, days in done.items() if key != OUTCOME_ROUTINE for d in days if start <= d <= cutoff
                ),
                outcome_due=due,
                outcome_received=received,
                outcome_status=_status(due, received, as_of),
            )
        )
    return QuarterSummary(quarter=quarter_label(*quarter), start=start, end=end, as_of=as_of, agencies=rows)


def _status(due: date | None, received: date | None, as_of: date) -> str:
    if due is None:
        return "not owed"
    if received is not None:
        return "received"
    return "late" if due < as_of else "not yet due"


def _keys(roadmap: Roadmap) -> set[str]:
    return {routine.key for routine in roadmap.routines.routines}
