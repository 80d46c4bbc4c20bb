"""A fidelity review of one agency: the visit date, the 25 scores, and the rules for recording one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from roadmap.domain.agency import Agency
from roadmap.domain.errors import InvalidInput, RuleViolation
from roadmap.domain.fidelity import Band, band_for, is_good_fidelity, validate_scores


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
