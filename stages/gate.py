"""Gate stages: taken one after another, finished when the whole checklist is done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from roadmap.domain.agency import Agency
from roadmap.domain.completion import Standing
from roadmap.domain.definition import Roadmap, StageDefinition, StageKind
from roadmap.domain.due import DueItem, DueKind
from stages.context import AgencyContext
from stages.routines import routine_items
from stages.stall import PeerDurations, Stall, stall


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

    def stall(self, standing: Standing, roadmap: Roadmap, peers: PeerDurations) -> Stall | None:
        """Longer in this gate than its norm or than the median of agencies that finished it."""
        return stall(standing, roadmap, peers) if standing.current_stage == self.key else None

    def due_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """The gate's routines, and while it is active each open checklist item, due when its norm runs out."""
        return self.checklist_items(context, as_of) + routine_items(context, self.key, as_of)

    def visit_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """The gate's routines (its checklist items are the agency's own work)."""
        return routine_items(context, self.key, as_of)

    def checklist_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """Open checklist items of the gate while it is active (done means done by as_of)."""
        progress = context.agency.progress(self.key)
        if (
            progress is None
            or progress.started_on > as_of
            or (progress.completed_on and progress.completed_on <= as_of)
        ):
            return []
        definition = context.roadmap.stage(self.key)
        assert definition.norm_days is not None  # every gate has a norm (checked when the roadmap loads)
        # A stage entered before tracking began has its norm counted from that day (nothing owed for the past).
        target = context.agency.counted_from(progress.started_on) + timedelta(days=definition.norm_days)
        done = context.agency.checklist
        return [
            DueItem(
                agency=context.agency.slug,
                kind=DueKind.CHECKLIST_ITEM,
                subject=item.key,
                title=item.text,
                stage=self.key,
                due_on=target,
            )
            for item in definition.checklist
            if item.key not in done or done[item.key] > as_of
        ]
