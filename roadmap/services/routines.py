"""Recording that a routine was done (a meeting held, a visit made, a report sent), and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem
from roadmap.domain.errors import InvalidInput, RuleViolation
from roadmap.domain.routine import (
    Occurrence,
    Routine,
    quarter_end,
    quarter_label,
)
from roadmap.services.ports import UnitOfWork
from roadmap.services.quarter import parse_quarter
from roadmap.services.records import Records
from stages.routines import routine_items, running_since


@dataclass(frozen=True)
class RoutineDone:
    """What was recorded and what the routine owes next."""

    agency: str
    routine: Routine
    done_on: date
    period: str | None
    next_due: DueItem | None


def record_done(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    slug: str,
    key: str,
    *,
    on: date,
    as_of: date,
    quarter: str | None = None,
) -> RoutineDone:
    """Record one occurrence; refused when it is in the future, repeats itself, or the routine was not running.

    A quarterly report names the quarter it covers (default: the last one that ended before `on`).
    """
    routine = roadmap.routines.get(key)
    if on > as_of:
        raise InvalidInput(f"--on {on} is in the future (today is {as_of}); record it once it has happened")
    occurrence = Occurrence(on, _period(routine, quarter, on))
    with uow:
        agency = uow.agencies.get(slug)
        records = Records.read(uow, [slug])
        for earlier in records.done.get(slug, {}).get(key, []):
            if earlier == occurrence or (occurrence.period and earlier.period == occurrence.period):
                covering = f" for {occurrence.period}" if occurrence.period else ""
                raise RuleViolation(f"routine {key!r} is already recorded{covering} for {slug} on {earlier.on}")
        if running_since(records.context(agency, roadmap, rules), routine, on) is None:
            raise RuleViolation(
                f"routine {key!r} was not running for {slug} on {on}: it runs {_window(routine)}; "
                f"see `ips-roadmap agency show {slug}`"
            )
        uow.routines.add(slug, key, occurrence)
        uow.commit()
        records = Records.read(uow, [slug])
    after = routine_items(records.context(agency, roadmap, rules), routine.stage, as_of)
    following = next((item for item in after if item.subject.startswith(f"{key}:")), None)
    return RoutineDone(agency=slug, routine=routine, done_on=on, period=occurrence.period, next_due=following)


def routine_history(uow: UnitOfWork, agency: str | None = None) -> list[tuple[str, str, Occurrence]]:
    """(agency, routine, occurrence) of everything recorded, newest first (one agency's when given)."""
    with uow:
        if agency is not None:
            uow.agencies.get(agency)  # an unknown slug is refused, not answered with nothing
        done = uow.routines.done([agency] if agency else None)
    rows = [(slug, key, each) for slug, by_key in done.items() for key, seen in by_key.items() for each in seen]
    return sorted(rows, key=lambda row: (row[2].on, row[0], row[1], row[2].period or ""), reverse=True)


def _period(routine: Routine, quarter: str | None, on: date) -> str | None:
    """The quarter a report covers, checked; None for routines that are not quarterly."""
    if routine.quarterly_due_days is None:
        if quarter is not None:
            raise InvalidInput(f"--quarter applies to quarterly reports; {routine.key!r} is {routine.cadence}")
        return None
    year, number = parse_quarter(quarter, on)
    label, end = quarter_label(year, number), quarter_end(year, number)
    if end >= on:
        raise RuleViolation(f"a report for {label} is recorded after the quarter ends ({end}), not on {on}")
    return label


def _window(routine: Routine) -> str:
    until = (
        f"until stage {routine.ends_with!r} is completed" if routine.ends_with else "for as long as the program runs"
    )
    return f"from the start of stage {routine.start_stage!r} {until}"
