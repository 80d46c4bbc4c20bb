"""The small interface every stage's logic offers."""

from __future__ import annotations

from typing import Protocol

from roadmap.domain.agency import Agency
from roadmap.domain.definition import StageDefinition, StageKind


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
