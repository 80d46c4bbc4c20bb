"""What a stage's routines make due: one item per routine while it runs, dated from when it was last done."""

from __future__ import annotations

from datetime import date

from roadmap.domain.cadence import is_good, latest_review
from roadmap.domain.due import DueItem
from roadmap.domain.routine import Routine, next_occurrence
from stages.context import AgencyContext


def routine_items(context: AgencyContext, stage_key: str, as_of: date) -> list[DueItem]:
    """The next occurrence of each routine the stage owns that is running as of the date."""
    items = []
    for routine in context.roadmap.routines.of_stage(stage_key):
        since = running_since(context, routine, as_of)
        if since is None:
            continue
        period, due_on = next_occurrence(
            routine,
            since=since,
            done=context.done.get(routine.key, ()),
            good_fidelity=good_fidelity(context, as_of),
            as_of=as_of,
            tracked_from=context.routines_tracked_from,
        )
        items.append(
            DueItem(
                agency=context.agency.slug,
                kind=routine.kind,
                # Keyed by the period: once it is done, the next occurrence is a new subject with its own reminders.
                subject=f"{routine.key}:{period}",
                title=routine.title,
                stage=stage_key,
                due_on=due_on,
                state_run=routine.run_by == "state",
            )
        )
    return items


def running_since(context: AgencyContext, routine: Routine, as_of: date) -> date | None:
    """The day the routine started, or None when it has not started or has ended by as_of."""
    start = context.agency.progress(routine.start_stage)
    if start is None or start.started_on > as_of:
        return None
    if routine.ends_with is not None:
        end = context.agency.progress(routine.ends_with)
        if end is not None and end.completed_on is not None and end.completed_on <= as_of:
            return None
    return start.started_on


def good_fidelity(context: AgencyContext, as_of: date) -> bool:
    """The agency's latest review by as_of reached the state's good-fidelity threshold."""
    latest = latest_review(context.reviews, as_of)
    return latest is not None and is_good(latest, context.rules)
