"""What a change did, as values: the edges print them, later issues react to them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: str
    on: date


class AgencyEnrolled(_Event):
    """The agency joined the roadmap."""

    kind: Literal["agency-enrolled"] = "agency-enrolled"


class AgencyLaunched(_Event):
    """The agency began providing IPS services."""

    kind: Literal["agency-launched"] = "agency-launched"


class StageStarted(_Event):
    """A stage became active."""

    kind: Literal["stage-started"] = "stage-started"
    stage: str


class StageCompleted(_Event):
    """A gate stage was completed, with its checklist done or forced with a note."""

    kind: Literal["stage-completed"] = "stage-completed"
    stage: str
    forced: bool = False
    note: str | None = None


class ChecklistItemDone(_Event):
    """A checklist item was marked done."""

    kind: Literal["checklist-item-done"] = "checklist-item-done"
    stage: str
    item: str


Event = AgencyEnrolled | AgencyLaunched | StageStarted | StageCompleted | ChecklistItemDone
