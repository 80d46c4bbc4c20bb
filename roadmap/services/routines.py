"""Recording that a routine was done (a meeting held, a visit made, a report sent), and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem
from roadmap.domain.errors import InvalidInput, RuleViolation
from roadmap.domain.routine import Routine
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.routines import routine_items, running_since


@dataclass(frozen=True)
class RoutineDone:
    """What was recorded and what the routine owes next."""

    agency: str
    routine: Routine
    done_on: date
    next_due: DueItem | None


def record_done(
    uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, slug: str, key: str, *, on: date, as_of: date
) -> RoutineDone:
    """Record one occurrence; refused when it is in the future, repeats a day, or the routine was not running."""
    routine = roadmap.routines.get(key)
    if on > as_of:
        raise InvalidInput(f"--on {on} is in the future (today is {as_of}); record it once it has happened")
    with uow:
        agency = uow.agencies.get(slug)
        records = Records.read(uow, [slug])
        if on in records.done.get(slug, {}).get(key, []):
            raise RuleViolation(f"routine {key!r} is already recorded for {slug} on {on}")
        if running_since(records.context(agency, roadmap, rules), routine, on) is None:
            raise RuleViolation(
                f"routine {key!r} was not running for {slug} on {on}: it runs {_window(routine)}; "
                f"see `ips-roadmap agency show {slug}`"
            )
        uow.routines.add(slug, key, on)
        uow.commit()
        records = Records.read(uow, [slug])
    after = routine_items(records.context(agency, roadmap, rules), routine.stage, as_of)
    following = next((item for item in after if item.subject.startswith(f"{key}:")), None)
    return RoutineDone(agency=slug, routine=routine, done_on=on, next_due=following)


def routine_history(uow: UnitOfWork, agency: str | None = None) -> list[tuple[str, str, date]]:
    """(agency, routine, date) of every recorded occurrence, newest first (one agency's when given)."""
    with uow:
        if agency is not None:
            uow.agencies.get(agency)  # an unknown slug is refused, not answered with nothing
        done = uow.routines.done([agency] if agency else None)
    rows = [(slug, key, day) for slug, by_key in done.items() for key, days in by_key.items() for day in days]
    return sorted(rows, key=lambda row: (row[2], row[0], row[1]), reverse=True)


def _window(routine: Routine) -> str:
    until = (
        f"until stage {routine.ends_with!r} is completed" if routine.ends_with else "for as long as the program runs"
    )
    return f"from the start of stage {routine.start_stage!r} {until}"
