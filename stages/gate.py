"""Gate stages: taken one after another, finished when the whole checklist is done."""

from __future__ import annotations

from dataclasses import dataclass

from roadmap.domain.agency import Agency
from roadmap.domain.definition import StageDefinition, StageKind


@dataclass(frozen=True)
class GateStage:
    """A gate starts when the gate before it completes (the first one when the agency joins)."""

    key: str
    previous: str | None
    kind: StageKind = StageKind.GATE

    def may_start(self, agency: Agency) -> bool:
        """The previous gate is completed, or this is the first gate."""
        if self.previous is None:
            return True
        before = agency.progress(self.previous)
        return before is not None and before.completed_on is not None

    def is_done(self, agency: Agency, definition: StageDefinition) -> bool:
        """Every checklist item of the stage is marked done."""
        return all(item.key in agency.checklist for item in definition.checklist)
