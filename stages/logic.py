"""The small interface every stage's logic offers."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from roadmap.domain.agency import Agency
from roadmap.domain.definition import StageDefinition, StageKind
from roadmap.domain.due import DueItem
from stages.context import AgencyContext


class StageLogic(Protocol):
    """Decides, for one stage, whether it may start and whether its work is done."""

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
