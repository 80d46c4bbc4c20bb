"""Correcting an agency's record and taking it off the roadmap: the pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap.domain.corrections import archive, edit
from roadmap.domain.errors import InvalidInput, RuleViolation
from tests.builders import TODAY, make_agency


def test_an_edit_changes_name_region_and_timezone_but_never_the_slug() -> None:
    edited = edit(make_agency(), name="Riverbend Behavioral Health", region="Central", timezone="America/Denver")
    assert (edited.slug, edited.name, edited.region, edited.timezone) == (
        "riverbend", "Riverbend Behavioral Health", "Central", "America/Denver"
    )  # fmt: skip
    assert edited.stages == make_agency().stages


@pytest.mark.parametrize(
    ("given", "error", "message"),
    [
        ({}, InvalidInput, "nothing to change"),
        ({"timezone": "Central Time"}, InvalidInput, "timezone: 'Central Time' is not an IANA timezone"),
        ({"name": "Riverbend Community Mental Health"}, RuleViolation, "already has those values"),
        ({"region": "North\u2028South"}, InvalidInput, "region"),
    ],
)
def test_an_edit_that_changes_nothing_or_is_wrong_is_refused(
    given: dict[str, str], error: type[Exception], message: str
) -> None:
    fields: dict[str, str | None] = {"name": None, "region": None, "timezone": None} | given
    with pytest.raises(error, match=message):
        edit(make_agency(), **fields)


def test_an_archived_agency_keeps_its_history_and_says_when_and_why_it_left() -> None:
    left = archive(make_agency(), on=date(2026, 11, 1), reason="Program closed", as_of=TODAY)
    assert (left.archived_on, left.archive_reason) == (date(2026, 11, 1), "Program closed")
    assert left.on_roadmap(date(2026, 10, 31)) and not left.on_roadmap(date(2026, 11, 1))
    assert left.stages == make_agency().stages
    with pytest.raises(RuleViolation, match="left the roadmap on 2026-11-01"):
        archive(left, on=TODAY, reason="again", as_of=TODAY)


@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (date(2026, 12, 1), "Closed", "is in the future"),
        (date(2025, 1, 1), "Closed", "before the agency joined"),
        (date(2026, 11, 1), "  ", "give the reason"),
    ],
)
def test_an_impossible_archive_is_refused(on: date, reason: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        archive(make_agency(), on=on, reason=reason, as_of=TODAY)
