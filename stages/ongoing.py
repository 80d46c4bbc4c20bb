"""Ongoing stages: monitoring, consultation and supervisor expertise run for as long as the program does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap.domain.agency import Agency
from roadmap.domain.completion import Standing
from roadmap.domain.definition import Roadmap, StageDefinition, StageKind
from roadmap.domain.due import DueItem
from stages.context import AgencyContext
from stages.routines import routine_items
from stages.stall import PeerDurations, Stall


@dataclass(frozen=True)
class OngoingStage:
    """Starts when the agency launches IPS services and never completes."""

    key: str
    kind: StageKind = StageKind.ONGOING

    def may_start(self, agency: Agency) -> bool:
        """The agency has launched IPS services."""
        return agency.launched_on is not None

    def is_done(self, agency: Agency, definition: StageDefinition) -> bool:
        """Never: the work continues while the program runs (its checklist still measures coverage)."""
        return False

    def stall(self, standing: Standing, roadmap: Roadmap, peers: PeerDurations) -> Stall | None:
        """Never: an ongoing stage has no end to be late for."""
        return None

    def due_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """The stage's routines (meetings, reports) while the program runs."""
        return routine_items(context, self.key, as_of)

    def visit_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """The stage's routines: all it makes due."""
        return routine_items(context, self.key, as_of)
