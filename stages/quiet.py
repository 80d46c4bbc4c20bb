"""Until when an agency's due items and stage statuses stay as they are on a day, if nothing new is recorded.

Stage logic compares the day it runs for with recorded dates only (a stage started, a box ticked, a review held,
a visit's day) and with the quarter's end for quarterly reports. So, with the records unchanged, what it finds
can differ only once the day reaches one of those dates: the first of them after the day bounds a quiet spell.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from roadmap.domain.routine import quarter_end, quarter_of
from stages.context import AgencyContext


def changes_after(context: AgencyContext, as_of: date) -> date:
    """The first day after as_of on which the agency's stage statuses or due items may read differently with
    the same records: a recorded date coming, or the quarter turning."""
    # Quarterly reports chase the last quarter that ended: that moves on the day after this quarter ends.
    quarter_turns = quarter_end(*quarter_of(as_of)) + timedelta(days=1)
    return min([quarter_turns, *(day for day in _recorded(context) if day > as_of)])


def _recorded(context: AgencyContext) -> Iterator[date]:
    """Every date in the agency's records that stage logic compares the day with."""
    agency = context.agency
    yield from (day for day in (agency.joined_on, agency.launched_on, agency.tracked_from, agency.archived_on) if day)
    for progress in agency.stages.values():
        yield progress.started_on
        if progress.completed_on is not None:
            yield progress.completed_on
    yield from agency.checklist.values()
    if context.routines_from is not None:
        yield context.routines_from
    yield from (visited_on for visited_on, _ in context.reviews)
    for action in context.actions:
        yield action.review_date
        if action.done_on is not None:
            yield action.done_on
    yield from (occurrence.on for occurrences in context.done.values() for occurrence in occurrences)
    # A booked visit stands for its occurrence up to and including its day.
    yield from (visit.on + timedelta(days=1) for visit in context.visits)
