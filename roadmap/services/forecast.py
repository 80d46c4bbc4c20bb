"""The workload forecast use case: visit days needed per trainer per month, from today's state."""

from __future__ import annotations

from datetime import date

from roadmap.domain.errors import InvalidInput
from roadmap.domain.workload import Forecast, forecast
from roadmap.services.ports import UnitOfWork
from roadmap.services.visits import VisitRules, read_planning_state, workday_rule

MAX_MONTHS = 60


def workload(uow: UnitOfWork, rules: VisitRules, *, as_of: date, months: int, trainer: str | None = None) -> Forecast:
    """Per trainer and month: visit days needed (at each need's cadence) against the days their capacity gives.

    With `trainer`, that trainer's row only: the needs of their assigned agencies (of every agency for a
    reviewer, since any reviewer may take any review) and the statewide ones, so a trainer page at a thousand
    agencies works out a dozenth of the needs; every agency is still read.
    """
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(f"--months must be between 1 and {MAX_MONTHS}, got {months}")
    with uow:
        only = None if trainer is None else uow.trainers.get(trainer)
        agencies = None if only is None or only.reviewer else set(only.agencies)
        state, _ = read_planning_state(uow, rules, as_of, agencies=agencies)
    is_workday = workday_rule(rules.policy)
    return forecast(state.streams, state.trainers, start=as_of, months=months, is_workday=is_workday, only=trainer)
