"""Everything stage logic may look at for one agency, gathered once by the caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from roadmap.domain.action_plan import ActionItem
from roadmap.domain.agency import Agency
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.routine import Occurrence
from roadmap.domain.visit import Visit


@dataclass(frozen=True)
class AgencyContext:
    """An agency with its roadmap, review history (visit date, total), action plan and when each routine was done."""

    agency: Agency
    roadmap: Roadmap
    rules: CadenceRules
    reviews: list[tuple[date, int]] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    # Routine key -> when it was done (and, for quarterly reports, which quarter each covered).
    done: dict[str, list[Occurrence]] = field(default_factory=dict)
    # When the database began tracking routines (set on upgrade; None when it always has).
    routines_from: date | None = None
    # Visits booked and not yet done or cancelled, soonest first.
    visits: list[Visit] = field(default_factory=list)
    # Contact ids of the trainers assigned to the agency, who get its visit and meeting reminders (those with
    # an address); None when nobody is assigned, and then every trainer does.
    trainers: tuple[int, ...] | None = None

    @property
    def routines_tracked_from(self) -> date | None:
        """Routines count from the later of the day the database began tracking them and the agency's own."""
        return max((day for day in (self.routines_from, self.agency.tracked_from) if day), default=None)
