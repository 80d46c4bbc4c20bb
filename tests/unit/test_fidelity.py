"""The 25-item scale: bands at their edges and strict validation of scores."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.data import load_fidelity_scale
from roadmap.domain.errors import InvalidInput
from roadmap.domain.fidelity import Band, band_for, is_good_fidelity, validate_scores


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (25, Band.NOT_IPS), (73, Band.NOT_IPS), (74, Band.FAIR), (99, Band.FAIR), (100, Band.GOOD),
        (114, Band.GOOD), (115, Band.EXEMPLARY), (125, Band.EXEMPLARY),
    ],
)  # fmt: skip
def test_bands_change_exactly_at_74_100_and_115(total: int, band: Band) -> None:
    assert band_for(total) is band


def test_good_fidelity_starts_at_100() -> None:
    assert (is_good_fidelity(99), is_good_fidelity(100)) == (False, True)


@pytest.mark.parametrize("total", [24, 126, 0])
def test_a_total_outside_25_to_125_is_not_a_review(total: int) -> None:
    with pytest.raises(ValueError, match="between 25 and 125"):
        band_for(total)


def test_the_scale_has_25_items_in_three_sections() -> None:
    scale = load_fidelity_scale()
    assert [item.number for item in scale.items] == list(range(1, 26))
    sections = {item.section for item in scale.items[:3]}, {item.section for item in scale.items[3:11]}
    assert sections == ({"staffing"}, {"organization"})
    assert {item.section for item in scale.items[11:]} == {"services"}
    assert all(item.criterion and item.suggested_step for item in scale.items)


def full(score: object = 4) -> list[tuple[object, object]]:
    return [(str(number), score) for number in range(1, 26)]


def test_25_integer_scores_are_accepted_in_item_order() -> None:
    scores = validate_scores(list(reversed(full(3))))
    assert list(scores) == list(range(1, 26))
    assert sum(scores.values()) == 75


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (full()[:-1], "missing for item(s) 25"),
        ([*full(), ("26", 4)], "'26' is not an item number between 1 and 25"),
        ([("0", 4), *full()[1:]], "'0' is not an item number"),
        ([*full(), ("3", 4)], "item 3 is scored more than once"),
        ([("1", 6), *full()[1:]], "item 1: score 6 is not a whole number from 1 to 5"),
        ([("1", 0), *full()[1:]], "item 1: score 0"),
        ([("1", 4.5), *full()[1:]], "item 1: score 4.5"),
        ([("1", True), *full()[1:]], "item 1: score True"),
        ([("1", "four"), *full()[1:]], "item 1: score 'four'"),
        ([("1", None), *full()[1:]], "item 1: score None"),
        ([("one", 4), *full()[1:]], "'one' is not an item number"),
    ],
)
def test_bad_scores_are_refused_naming_the_item(pairs: list[tuple[object, object]], message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate_scores(pairs)
    assert message in str(refused.value)


@given(st.dictionaries(st.integers(1, 25), st.integers(1, 5), min_size=25, max_size=25))
def test_any_complete_set_of_scores_totals_between_25_and_125(raw: dict[int, int]) -> None:
    scores = validate_scores(list(raw.items()))
    assert 25 <= sum(scores.values()) <= 125
    assert band_for(sum(scores.values())) in Band


def test_a_review_cannot_be_built_without_25_valid_scores() -> None:
    from datetime import date

    from pydantic import ValidationError

    from roadmap.domain.review import Review

    with pytest.raises(ValidationError, match="missing for item"):
        Review(agency="riverbend", visited_on=date(2026, 7, 20), scores={1: 5})
    with pytest.raises(ValidationError, match="item 3: score 9"):
        Review(agency="riverbend", visited_on=date(2026, 7, 20), scores={n: 9 if n == 3 else 4 for n in range(1, 26)})
    assert Review(agency="riverbend", visited_on=date(2026, 7, 20), scores=dict.fromkeys(range(1, 26), 4)).total == 100
