"""Quarterly outcome use cases: record an agency's counts for a quarter (its outcome report), list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueKind
from roadmap.domain.errors import InvalidInput, RuleViolation
from roadmap.domain.outcome import QuarterOutcome
from roadmap.domain.permission import Ability
from roadmap.domain.routine import Occurrence, quarter_end, quarter_label
from roadmap.services.access import require, visible
from roadmap.services.ports import UnitOfWork
from roadmap.services.quarter import parse_quarter
from roadmap.services.records import Records
from stages.routines import running_since


@dataclass(frozen=True)
class Counts:
    """The numbers typed in for one quarter (None: not reported)."""

    served: int
    working: int
    job_starts: int | None = None
    in_school: int | None = None
    working_90_days: int | None = None
    jobs_ended_before_90_days: int | None = None
    avg_hours: float | None = None


@dataclass(frozen=True)
class OutcomeRecorded:
    """What was stored, and whether it counted as the quarter's outcome report."""

    outcome: QuarterOutcome
    report_recorded: bool


def record_outcomes(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    slug: str,
    counts: Counts,
    *,
    quarter: str | None,
    on: date,
    as_of: date,
) -> OutcomeRecorded:
    """Store one quarter's counts; refused for a quarter not yet over, a repeat, or one before launch.

    The counts are the agency's outcome report for that quarter: its reminder stops.
    """
    with uow:
        # Who asks comes first: someone out of scope learns nothing, not even what is wrong with the numbers.
        require(uow, Ability.RECORD_OUTCOMES, slug)
        if on > as_of:
            raise InvalidInput(f"--on {on} is in the future (today is {as_of}); record it once it has happened")
        year, number = parse_quarter(quarter, on)
        label, end = quarter_label(year, number), quarter_end(year, number)
        if end >= on:
            raise RuleViolation(f"{label} ends on {end}: its outcomes are recorded after it ends, not on {on}")
        try:
            outcome = QuarterOutcome(agency=slug, quarter=label, reported_on=on, **vars(counts))
        except ValidationError as error:
            raise InvalidInput(_problem(error)) from None
        agency = uow.agencies.get(slug)
        if agency.launched_on is None or agency.launched_on > end:
            raise RuleViolation(f"{slug} had not launched IPS services by the end of {label} ({end}): no outcomes")
        if any(earlier.quarter == label for earlier in uow.outcomes.listed(slug)):
            raise RuleViolation(
                f"outcomes for {label} are already recorded for {slug}; see `ips-roadmap outcomes list`"
            )
        uow.outcomes.add(outcome)
        reported = _count_as_report(uow, roadmap, rules, slug, Occurrence(on, label))
        uow.commit()
    return OutcomeRecorded(outcome, reported)


def list_outcomes(uow: UnitOfWork, agency: str | None = None) -> list[QuarterOutcome]:
    """Every agency's (or one agency's) reported quarters."""
    with uow:
        if agency is not None:
            require(uow, Ability.READ_AGENCY, agency)
            uow.agencies.get(agency)  # an unknown slug is refused, not answered with nothing
        shown = visible(uow) if agency is None else None
        return [each for each in uow.outcomes.listed(agency) if shown is None or each.agency in shown]


def _count_as_report(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, slug: str, occurrence: Occurrence) -> bool:
    """Record the quarter's outcome-report routine as done, when the state has one running and it is not yet."""
    routine = next((each for each in roadmap.routines.routines if each.kind is DueKind.OUTCOME_REPORT), None)
    if routine is None:
        return False
    agency = uow.agencies.get(slug)
    records = Records.read(uow, [slug])
    context = records.context(agency, roadmap, rules)
    done = context.done.get(routine.key, [])
    if running_since(context, routine, occurrence.on) is None or any(o.period == occurrence.period for o in done):
        return False
    uow.routines.add(slug, routine.key, occurrence)
    return True


def _problem(error: ValidationError) -> str:
    """The first problem, named by its command-line option."""
    first = error.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    if not first["loc"]:
        return message
    return f"--{str(first['loc'][0]).replace('_', '-')}: {message}"
