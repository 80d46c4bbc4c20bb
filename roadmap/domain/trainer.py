"""State trainers and reviewers: where they are based, how many visit days a week they have, whom they serve."""

from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from roadmap.domain.agency import Line


class Trainer(BaseModel):
    """A state IPS trainer (a reviewer too, when `reviewer`); `agencies` are the ones assigned to them."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Line = Field(min_length=1, max_length=120)
    region: Line = Field(min_length=1, max_length=120)
    # Days a week the trainer can spend on site visits (a day in one region may hold several visits).
    capacity: int = Field(ge=1, le=5)
    reviewer: bool = False
    email: str | None = None
    agencies: tuple[str, ...] = ()
    # The state contact that receives this trainer's reminders (None when no address was given).
    contact_id: int | None = None

    @property
    def roles(self) -> str:
        """'trainer' or 'trainer, reviewer'."""
        return "trainer, reviewer" if self.reviewer else "trainer"


class TrainerLine(NamedTuple):
    """A trainer as a list of every trainer shows them: the agencies counted, not named."""

    name: str
    region: str
    capacity: int
    reviewer: bool
    agencies: int
