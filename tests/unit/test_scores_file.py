"""Scores files: JSON object or CSV item,score; anything else refused with the file's problem named."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.domain.errors import InvalidInput
from roadmap.services.scores_file import parse_scores

ALL_FOURS = {str(number): 4 for number in range(1, 26)}


def test_json_and_csv_give_the_same_scores() -> None:
    csv = "item,score\n" + "".join(f"{number},{4}\n" for number in range(1, 26))
    assert parse_scores("s.json", json.dumps(ALL_FOURS).encode()) == parse_scores("s.csv", csv.encode())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("s.json", '{"1": 4, "1": 5}', "item 1 is scored more than once"),
        ("s.json", "[4, 4, 4]", "must hold one JSON object"),
        ("s.json", '{"1": 4,', "is not valid JSON"),
        ("s.json", '{"1": [4]}', "each score must be a whole number"),
        ("s.csv", "number,score\n1,4\n", "needs the CSV header item,score"),
        ("s.csv", "item,score\n1,4,extra\n", "row 2: expected 2 values"),
        ("s.txt", "hello", "must be JSON (.json) or CSV (.csv)"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_problem(name: str, content: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_scores(name, content.encode())
    assert message in str(refused.value)


@settings(max_examples=200, derandomize=True, database=None)  # the same examples every CI run
@given(st.binary(max_size=400), st.sampled_from(["s.json", "s.csv", "s"]))
def test_arbitrary_bytes_are_read_or_refused_in_one_line(data: bytes, name: str) -> None:
    try:
        scores = parse_scores(name, data)
    except InvalidInput as error:
        assert "\n" not in str(error)
    else:
        assert sorted(scores) == list(range(1, 26))
