"""What stage logic needs besides the agency itself, read for many agencies at once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from roadmap.domain.action_plan import ActionItem
from roadmap.domain.agency import Agency
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.routine import Occurrence
from roadmap.domain.visit import Visit, VisitStatus
from roadmap.services.ports import UnitOfWork
from stages.context import AgencyContext

# Written by the migration that added routines to a database already holding agencies (see 0005).
ROUTINES_TRACKED_FROM = "routines_tracked_from"


@dataclass(frozen=True)
class Records:
    """Review history, action plans, routine occurrences, booked visits and assigned trainers by agency slug.

    A handful of queries, whatever the number of agencies.
    """

    reviews: dict[str, list[tuple[date, int]]]
    actions: dict[str, list[ActionItem]]
    done: dict[str, dict[str, list[Occurrence]]]
    routines_from: date | None = None
    visits: dict[str, list[Visit]] = field(default_factory=dict)
    trainers: dict[str, tuple[int, ...]] = field(default_factory=dict)  # agencies with a trainer assigned

    @classmethod
    def read(
        cls,
        uow: UnitOfWork,
        slugs: Collection[str] | None = None,
        *,
        planning: bool = False,
        open_on: date | None = None,
    ) -> Records:
        """Inside an open unit of work: the records of these agencies (all when None).

        `planning` reads only what visit needs come from (reviews and routines kept), for visit planning and
        forecasts: action plans, booked visits and who is reminded are most of the reading and never make a
        visit due. `open_on` reads only the action-plan steps still open on that day (all that makes any due).
        """
        tracked = uow.meta.get(ROUTINES_TRACKED_FROM)
        visits: dict[str, list[Visit]] = {}
        for visit in [] if planning else uow.visits.listed(status=VisitStatus.PLANNED, agencies=slugs):
            if visit.agency is not None:
                visits.setdefault(visit.agency, []).append(visit)
        return cls(
            uow.reviews.history(slugs),
            {} if planning else uow.actions.by_agency(slugs, open_on=open_on),
            uow.routines.done(slugs),
            date.fromisoformat(tracked) if tracked else None,
            visits,
            {} if planning else uow.trainers.contacts_by_agency(slugs),
        )

    def context(self, agency: Agency, roadmap: Roadmap, rules: CadenceRules) -> AgencyContext:
        """Everything the stages look at for one agency."""
        return AgencyContext(
            agency=agency,
            roadmap=roadmap,
            rules=rules,
            reviews=self.reviews.get(agency.slug, []),
            actions=self.actions.get(agency.slug, []),
            done=self.done.get(agency.slug, {}),
            routines_from=self.routines_from,
            visits=self.visits.get(agency.slug, []),
            trainers=self.trainers.get(agency.slug),
        )
