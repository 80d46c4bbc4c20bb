"""A fidelity review of one agency: the visit date, the 25 scores, and the rules for recording one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from roadmap.domain.agency import Agency
from roadmap.domain.errors import InvalidInput, RuleViolation
from roadmap.domain.fidelity import Band, band_for, is_good_fidelity, validate_scores
from roadmap.domain.names import printable


class Review(BaseModel):
    """One review visit and its consensus scores (item number -> 1..5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: str
    visited_on: date
    scores: dict[int, int]
    reviewers: tuple[str, ...] = Field(default=())

    @field_validator("scores")
    @classmethod
    def _all_25_items(cls, scores: dict[int, int]) -> dict[int, int]:
        # Every caller (CLI file, later the web form) gets the same checks, not only the file reader.
        try:
            return validate_scores(scores.items())
        except InvalidInput as error:
            raise ValueError(str(error)) from None

    @property
    def total(self) -> int:
        """Sum of the 25 item scores (25..125)."""
        return sum(self.scores.values())

    @property
    def band(self) -> Band:
        """Exemplary, good, fair or not IPS."""
        return band_for(self.total)

    @property
    def good_fidelity(self) -> bool:
        """A total of 100 or more."""
        return is_good_fidelity(self.total)


def check_review_before_tracking(agency: Agency, visited_on: date, *, as_of: date) -> None:
    """Refuse a last review (known by its date and total) that the onboarded agency cannot have had."""
    if agency.launched_on is None:
        raise InvalidInput("last_review is given but the agency has not launched (give launched, or stage monitoring)")
    if visited_on > as_of:
        raise InvalidInput(f"last_review {visited_on} is in the future (today is {as_of})")
    if visited_on < agency.launched_on:
        raise InvalidInput(f"last_review {visited_on} is before the launch on {agency.launched_on}")


def check_new_review(agency: Agency, visited_on: date, recorded: Iterable[date], *, as_of: date) -> None:
    """Refuse a review the roadmap cannot take: before launch, in the future, or on a date already recorded."""
    if agency.launched_on is None:
        raise RuleViolation(
            f"agency {agency.slug!r} has not launched IPS services, so it has no fidelity reviews; "
            "record the launch first (agency launch)"
        )
    if visited_on > as_of:
        raise InvalidInput(f"review date {visited_on} is in the future (today is {as_of})")
    if visited_on < agency.launched_on:
        raise RuleViolation(f"review date {visited_on} is before the agency launched IPS on {agency.launched_on}")
    if visited_on in set(recorded):
        raise RuleViolation(f"agency {agency.slug!r} already has a review on {visited_on}")


def item_changes(current: Review, previous: Review | None) -> dict[int, int] | None:
    """Per item, this review's score minus the previous review's; None for a first review."""
    if previous is None:
        return None
    return {number: score - previous.scores[number] for number, score in current.scores.items()}


# A reason is one line kept beside the old score; long enough for a sentence, short enough for a table.
MAX_REASON = 500


def corrected(review: Review, item: int, score: int, reason: str) -> Review:
    """The review with one score corrected; refused for an unknown item, a score out of range, no reason, no change."""
    why = " ".join(reason.split())
    if not why:
        raise InvalidInput("a correction needs a reason (--reason), kept in the audit trail beside the old score")
    if len(why) > MAX_REASON:
        raise InvalidInput(f"--reason is {len(why)} characters; at most {MAX_REASON}")
    try:
        printable(why)
    except ValueError as error:
        raise InvalidInput(f"--reason {error}") from None
    if item not in review.scores:
        raise InvalidInput(f"--item {item}: the fidelity scale has items 1 to {len(review.scores)}")
    if review.scores[item] == score:
        raise RuleViolation(f"item {item} of the {review.visited_on} review already scores {score}: nothing to correct")
    try:
        return review.model_copy(update={"scores": validate_scores({**review.scores, item: score}.items())})
    except InvalidInput as error:
        raise InvalidInput(f"--score: {error}") from None
