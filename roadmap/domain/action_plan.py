"""The fidelity action plan: every item scored low becomes a draft step the team edits, assigns and closes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from roadmap.domain.agency import Line
from roadmap.domain.cadence import CadenceRules, action_plan_due
from roadmap.domain.errors import InvalidInput, RuleViolation, first_problem
from roadmap.domain.fidelity import FidelityScale
from roadmap.domain.review import Review


class ActionStatus(StrEnum):
    """Open until the team closes it."""

    OPEN = "open"
    DONE = "done"


class ActionItem(BaseModel):
    """One step of an agency's action plan, drafted from a low-scoring fidelity item."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: int | None = None
    agency: str
    review_date: date
    item: int
    score: int
    criterion: str
    step: Line = Field(min_length=1, max_length=1000)
    owner: Line | None = Field(default=None, max_length=200)
    due_on: date
    done_on: date | None = None
    # What was done, in a line, when the step was closed (by the agency from its link, say).
    done_note: Line | None = Field(default=None, max_length=500)

    @property
    def status(self) -> ActionStatus:
        """Done once a date is recorded."""
        return ActionStatus.DONE if self.done_on else ActionStatus.OPEN


def draft_action_plan(review: Review, scale: FidelityScale, rules: CadenceRules) -> list[ActionItem]:
    """A draft step for every item scored at or below the rules' threshold (3 by default), due with the plan."""
    due_on = action_plan_due(review.visited_on, rules)
    return [
        ActionItem(
            agency=review.agency,
            review_date=review.visited_on,
            item=number,
            score=score,
            criterion=scale.item(number).criterion,
            step=scale.item(number).suggested_step,
            due_on=due_on,
        )
        for number, score in review.scores.items()
        if score <= rules.action_item_max_score
    ]


def close(action: ActionItem, *, on: date, as_of: date, note: str | None = None) -> ActionItem:
    """Mark a step done on a date (not before its review, not in the future, not twice), with what was done."""
    if action.done_on is not None:
        raise RuleViolation(f"action {action.id} was already done on {action.done_on}")
    if on > as_of:
        raise InvalidInput(f"completion date {on} is in the future (today is {as_of})")
    if on < action.review_date:
        raise RuleViolation(f"{on} is before the review of {action.review_date} that created action {action.id}")
    try:
        done = {"done_on": on, "done_note": (note or "").strip() or None}
        noted = ActionItem.model_validate({**action.model_dump(), **done})
    except ValidationError as error:
        raise InvalidInput(first_problem(error, "--note")) from None
    return noted


def revise(action: ActionItem, *, step: str | None = None, owner: str | None = None) -> ActionItem:
    """Edit the step's wording or assign it to someone (a name or role, never a client)."""
    changes: dict[str, str] = {}
    if step is not None:
        if not step.strip():
            raise InvalidInput("the step text cannot be empty")
        changes["step"] = step.strip()
    if owner is not None:
        if not owner.strip():
            raise InvalidInput("the owner cannot be empty")
        changes["owner"] = owner.strip()
    if not changes:
        raise InvalidInput("nothing to change: give --step TEXT and/or --owner NAME")
    try:
        return ActionItem.model_validate(action.model_dump() | changes)
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidInput(f"{first['loc'][0]}: {first['msg']}") from None
