"""Dates from users: only YYYY-MM-DD, and real calendar days."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.domain.dates import parse_iso_date
from roadmap.domain.errors import InvalidInput


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_every_iso_date_in_the_supported_years_round_trips(day: date) -> None:
    assert parse_iso_date(day.isoformat()) == day


@given(st.one_of(st.dates(max_value=date(1899, 12, 31)), st.dates(min_value=date(3000, 1, 1))))
def test_dates_outside_the_supported_years_are_refused(day: date) -> None:
    with pytest.raises(InvalidInput, match="outside the supported years 1900-2999"):
        parse_iso_date(day.isoformat())


@given(st.text(max_size=20))
def test_any_other_text_is_refused_or_is_a_real_iso_date(text: str) -> None:
    try:
        parsed = parse_iso_date(text, "--on")
    except InvalidInput as error:
        assert str(error).startswith("--on ") and "\n" not in str(error)
    else:
        assert parsed.isoformat() == text.strip()


@pytest.mark.parametrize("text", ["20261123", "2026-W48-1", "2026-11-23T00:00", "23/11/2026", "2026-2-1"])
def test_other_iso_and_local_forms_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a date in the form YYYY-MM-DD"):
        parse_iso_date(text)


def test_an_impossible_day_is_named() -> None:
    with pytest.raises(InvalidInput, match="'2026-02-30' is not a real calendar date"):
        parse_iso_date("2026-02-30")
