"""The workload forecast use case: visit days needed per trainer per month, from today's state."""

from __future__ import annotations

from datetime import date

from roadmap.domain.errors import InvalidInput
from roadmap.domain.workload import Forecast, forecast
from roadmap.services.ports import UnitOfWork
from roadmap.services.visits import VisitRules, read_planning_state, workday_rule

MAX_MONTHS = 60


def workload(uow: UnitOfWork, rules: VisitRules, *, as_of: date, months: int) -> Forecast:
    """Per trainer and month: visit days needed (at each need's cadence) against the days their capacity gives."""
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(f"--months must be between 1 and {MAX_MONTHS}, got {months}")
    with uow:
        state, _ = read_planning_state(uow, rules, as_of)
    return forecast(state.streams, state.trainers, start=as_of, months=months, is_workday=workday_rule(rules.policy))
