"""Parsing an agency CSV: what is accepted, and the row-numbered reason for what is not."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.domain.errors import InvalidInput
from roadmap.services.imports import parse_agencies_csv


def test_a_spreadsheet_export_with_bom_and_optional_columns_is_read() -> None:
    data = (
        "\ufeffName,Region,Timezone,Launched\r\n"
        "Riverbend Community Mental Health,North,America/Chicago,2025-03-01\r\n"
        '"Harbor Point, Inc.",East,America/New_York,\r\n'
    ).encode()
    lines = parse_agencies_csv(data)
    assert [(line.row, line.slug, line.launched_on) for line in lines] == [
        (2, "riverbend-community-mental-health", date(2025, 3, 1)),
        (3, "harbor-point-inc", None),
    ]


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("", "the CSV file is empty"),
        ("name,region\nA,North\n", "lacks column(s) timezone"),
        ("name,region,timezone,phone\nA,N,UTC,555\n", "unknown column(s) phone"),
        ("name,region,timezone,name\nA,N,UTC,B\n", "repeats column(s) name"),
        ("name,region,timezone\n", "a header but no agencies"),
        ("name,region,timezone\nA,North,UTC\nB,,UTC\n", "row 3: region is empty"),
        (
            "name,region,timezone,launched\nA,North,UTC,03/01/2025\n",
            "row 2: launched '03/01/2025' is not a date",
        ),
        ("name,region,timezone\nA,North,UTC,extra\n", "row 2: more values than header columns"),
        ("name,region,timezone\nA,North\n", "row 2: fewer values than header columns"),
        ("name,region,timezone\n---,North,UTC\n", "row 2: name '---' gives no usable slug"),
    ],
)
def test_a_bad_file_is_refused_with_the_row_and_reason(csv: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_agencies_csv(csv.encode())
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not UTF-8"):
        parse_agencies_csv("name,region,timezone\nCaf\xe9,North,UTC\n".encode("latin-1"))


@settings(max_examples=200, derandomize=True, database=None)  # the same examples every CI run
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_parsed_or_refused_with_one_line(data: bytes) -> None:
    try:
        lines = parse_agencies_csv(data)
    except InvalidInput as error:
        assert "\n" not in str(error)
    else:
        assert all(line.name and line.region and line.timezone and line.slug for line in lines)
