"""The visits an agency's stages need: one stream per need, from what is due now and the cadence after it."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from roadmap.domain.cadence import review_months
from roadmap.domain.due import DueItem
from roadmap.domain.planner import Stream
from roadmap.domain.visit import FIDELITY_REVIEW, STATEWIDE, VisitPolicy
from stages.context import AgencyContext
from stages.due import purpose_of
from stages.registry import REGISTRY
from stages.routines import good_fidelity

# A stage already past its norm is expected to finish at the earliest this long after the forecast starts.
_LATE_STAGE_DAYS = 30


def visit_streams(
    contexts: Iterable[AgencyContext], policy: VisitPolicy, start: date, agencies: Collection[str] | None = None
) -> list[Stream]:
    """Every need's next occurrence as of `start`, with its interval; statewide needs once, at the earliest due.

    With `agencies`, only those agencies' own needs; the statewide ones still come from every agency (one
    meeting for the whole state falls due when it first does for any agency).
    """
    streams: list[Stream] = []
    statewide: dict[str, Stream] = {}
    wide = {need.purpose for need in policy.needs if need.scope == STATEWIDE}
    for context in contexts:
        chosen = agencies is None or context.agency.slug in agencies
        for item in _visit_items(context, start) if chosen else _statewide_items(context, wide, start):
            purpose = purpose_of(item)
            need = policy.need(purpose) if purpose else None
            if need is None or purpose is None:
                continue
            days, months = _interval(context, purpose, start)
            if need.scope == STATEWIDE:
                earlier = statewide.get(purpose)
                if earlier is None or item.due_on < earlier.first_due:
                    statewide[purpose] = Stream(need, None, STATEWIDE, item.due_on, days, months)
                continue
            ends = _projected_end(context, purpose, start)
            streams.append(Stream(need, context.agency.slug, context.agency.region, item.due_on, days, months, ends))
    return streams + sorted(statewide.values(), key=lambda stream: stream.need.purpose)


def _visit_items(context: AgencyContext, start: date) -> list[DueItem]:
    """What the agency's stages make due that a visit can serve."""
    return [item for logic in REGISTRY.values() for item in logic.visit_items(context, start)]


def _statewide_items(context: AgencyContext, wide: set[str], start: date) -> list[DueItem]:
    """The items of the purposes that take a statewide visit, asked of the stages that own them (each stage's
    own rules apply: the monitoring stage, say, makes nothing due before launch)."""
    owners = (
        set(REGISTRY)
        if FIDELITY_REVIEW in wide
        else {routine.stage for routine in context.roadmap.routines.routines if routine.key in wide}
    )
    served = (item for stage in owners for item in REGISTRY[stage].visit_items(context, start))
    return [item for item in served if purpose_of(item) in wide]


def _interval(context: AgencyContext, purpose: str, as_of: date) -> tuple[int | None, int | None]:
    """(every_days, every_months) after an occurrence, at the agency's current fidelity standing."""
    good = good_fidelity(context, as_of)
    if purpose == FIDELITY_REVIEW:
        return None, review_months(good, context.rules)
    routine = context.roadmap.routines.get(purpose)
    return routine.every_days, routine.months_at(good)


def _projected_end(context: AgencyContext, purpose: str, as_of: date) -> date | None:
    """When a routine that ends with a stage is expected to end: that stage's completion at its norm.

    Gate stages are projected in order: a completed stage ends when it did; one in progress at its start plus its
    norm (or soon, when already past it); one not started after the previous one plus its own norm.
    """
    if purpose == FIDELITY_REVIEW:
        return None
    ends_with = context.roadmap.routines.get(purpose).ends_with
    if ends_with is None:
        return None
    previous = as_of
    for stage in context.roadmap.gates:
        progress = context.agency.progress(stage.key)
        norm = timedelta(days=stage.norm_days or 0)
        if progress is not None and progress.completed_on is not None:
            previous = progress.completed_on
        elif progress is not None:
            previous = max(progress.started_on + norm, as_of + timedelta(days=_LATE_STAGE_DAYS))
        else:
            previous = max(previous, as_of) + norm
        if stage.key == ends_with:
            return previous
    return None
