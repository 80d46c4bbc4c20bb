"""The small interface every stage's logic offers."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from roadmap.domain.agency import Agency
from roadmap.domain.completion import Standing
from roadmap.domain.definition import Roadmap, StageDefinition, StageKind
from roadmap.domain.due import DueItem
from stages.context import AgencyContext
from stages.stall import PeerDurations, Stall


class StageLogic(Protocol):
    """Decides, for one stage: may it start, is its work done, what does it make due, is the agency stalled in it."""

    @property
    def key(self) -> str:
        """The public stage key."""
        ...

    @property
    def kind(self) -> StageKind:
        """Gate or ongoing."""
        ...

    def may_start(self, agency: Agency) -> bool:
        """True when the stage's entry condition holds for this agency."""
        ...

    def is_done(self, agency: Agency, definition: StageDefinition) -> bool:
        """True when the stage's work counts as finished."""
        ...

    def due_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """What this stage makes due for the agency, as of a date (empty when the stage is not active)."""
        ...

    def visit_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """Of what the stage makes due, the items a visit can serve (its routines, the fidelity review): the same
        items as `due_items` gives, without working out the others."""
        ...

    def stall(self, standing: Standing, roadmap: Roadmap, peers: PeerDurations) -> Stall | None:
        """Why the agency is late in this stage, or None (only the agency's active gate can stall)."""
        ...
