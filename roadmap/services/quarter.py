"""The state's quarterly roadmap summary: per agency, what moved in a calendar quarter and whether it reported.

Built from recorded facts only (stage dates, reviews, routine dates), as they stood on the date it is run for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import standing
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueKind
from roadmap.domain.errors import InvalidInput
from roadmap.domain.routine import (
    last_ended_quarter,
    parse_quarter_label,
    quarter_end,
    quarter_label,
    quarter_start,
    report_due,
)
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.routines import running_since


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
    # The counts its outcome report gave for the quarter (None until one is recorded).
    served: int | None = None
    working: int | None = None

    @property
    def rate(self) -> float | None:
        """Working ÷ served in percent, one decimal; None without a report or with nobody served."""
        return _rate(self.working, self.served)


@dataclass(frozen=True)
class QuarterSummary:
    """Every agency's quarter, and the date it was judged."""

    quarter: str
    start: date
    end: date
    as_of: date
    agencies: list[AgencyQuarter] = field(default_factory=list)

    def totals(self) -> dict[str, int | float | None]:
        """State-wide counts; the employment rate is statewide working ÷ served over the agencies that reported."""
        owed = [a for a in self.agencies if a.outcome_due is not None]
        reported = [a for a in self.agencies if a.served is not None]
        served = sum(a.served or 0 for a in reported)
        working = sum(a.working or 0 for a in reported)
        return {
            "agencies": len(self.agencies),
            "stages_completed": sum(len(a.stages_completed) for a in self.agencies),
            "reviews": sum(len(a.reviews) for a in self.agencies),
            "routines_kept": sum(a.routines_kept for a in self.agencies),
            "outcome_reports_owed": len(owed),
            "outcome_reports_received": sum(1 for a in owed if a.outcome_received),
            "served": served if reported else None,
            "working": working if reported else None,
            "employment_rate": _rate(working, served) if reported else None,
        }


def parse_quarter(text: str | None, as_of: date) -> tuple[int, int]:
    """'2026Q4', or by default the last quarter that ended before as_of; a quarter not begun by then is refused."""
    if text is None:
        return last_ended_quarter(as_of)
    try:
        year, quarter = parse_quarter_label(text)
    except ValueError as error:
        raise InvalidInput(f"--quarter {error}") from None
    if quarter_start(year, quarter) > as_of:
        raise InvalidInput(f"--quarter {text} has not begun by {as_of}")
    return year, quarter


def quarter_summary(
    uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, quarter: tuple[int, int], as_of: date
) -> QuarterSummary:
    """What each agency (joined by the quarter's end) did in the quarter, as recorded by as_of."""
    start, end = quarter_start(*quarter), quarter_end(*quarter)
    cutoff = min(end, as_of)
    # The state's outcome-report routine, whatever its key (a state's routines file may rename it).
    outcome = next((r for r in roadmap.routines.routines if r.kind is DueKind.OUTCOME_REPORT), None)
    label = quarter_label(*quarter)
    with uow:
        agencies = [a for a in uow.agencies.all() if a.joined_on <= cutoff and a.on_roadmap(start)]
        records = Records.read(uow)
        # Counts recorded by as_of for this quarter; a report entered later is not known yet.
        counts = {o.agency: o for o in uow.outcomes.listed() if o.quarter == label and o.reported_on <= as_of}
    rows = []
    for agency in agencies:
        context = records.context(agency, roadmap, rules)
        done = context.done
        completed = tuple(
            stage.key
            for stage in roadmap.stages
            if (progress := agency.progress(stage.key)) is not None
            and progress.completed_on is not None
            and start <= progress.completed_on <= cutoff
        )
        due = received = None
        since = running_since(context, outcome, cutoff) if outcome is not None else None
        if outcome is not None and since is not None:
            due = report_due(outcome, quarter, since, context.routines_tracked_from)
            if due is not None:
                received = next((o.on for o in done.get(outcome.key, []) if o.period == label and o.on <= as_of), None)
        rows.append(
            AgencyQuarter(
                agency=agency.slug,
                name=agency.name,
                region=agency.region,
                stage_at_end=standing(agency, roadmap, cutoff).current_stage,
                stages_completed=completed,
                reviews=tuple(review for review in context.reviews if start <= review[0] <= cutoff),
                routines_kept=sum(
                    1
                    for key, seen in done.items()
                    if outcome is None or key != outcome.key
                    for occurrence in seen
                    if start <= occurrence.on <= cutoff
                ),
                outcome_due=due,
                outcome_received=received,
                outcome_status=_status(due, received, as_of),
                served=counts[agency.slug].served if agency.slug in counts else None,
                working=counts[agency.slug].working if agency.slug in counts else None,
            )
        )
    return QuarterSummary(quarter=label, start=start, end=end, as_of=as_of, agencies=rows)


def _rate(working: int | None, served: int | None) -> float | None:
    return round(100 * working / served, 1) if working is not None and served else None


def _status(due: date | None, received: date | None, as_of: date) -> str:
    if due is None:
        return "not owed"
    if received is not None:
        return "received"
    return "late" if due < as_of else "not yet due"
