"""Parsing an agency CSV: what is accepted, and the row-numbered reason for what is not."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from roadmap.domain.errors import InvalidInput
from roadmap.services.imports import parse_agencies, parse_agencies_csv
from roadmap.services.sheets import write_rows


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
        ("name,region,timezone,name\nA,N,UTC,B\n", "repeats column(s) name"),
        ("Agency Name,Agency,Region,Time Zone\nA,B,N,UTC\n", "repeats column(s) name ('Agency Name' and 'Agency')"),
        ("name,region,timezone,last_review\nA,N,UTC,2026-01-05\n", "row 2: give last_review and last_review_total"),
        (
            "name,region,timezone,last review,last review total\nA,N,UTC,2026-01-05,126\n",
            "row 2: last_review_total '126' is not a whole number from 25 to 125",
        ),
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


def test_headers_as_people_write_them_are_matched_and_extra_columns_set_aside() -> None:
    data = (
        b"Agency Name,Time Zone,REGION,Launch Date,Current Stage,Last Fidelity Review,Last fidelity score,Phone\r\n"
        b"Red River Community Services,America/Chicago,South,2019-04-01,Monitoring,2026-05-12,104,555-0100\r\n"
    )
    parsed = parse_agencies(data)
    assert parsed.ignored == ("Phone",)
    [line] = parsed.lines
    assert (line.name, line.region, line.timezone, line.launched_on, line.stage, line.last_review) == (
        "Red River Community Services", "South", "America/Chicago", date(2019, 4, 1), "Monitoring",
        (date(2026, 5, 12), 104),
    )  # fmt: skip


def test_an_excel_workbook_is_read_with_its_date_cells_as_dates() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Agency Name", "Region", "Time Zone", "Launch Date", "Stage", "Last review", "Last review total"])
    sheet.append(["Red River Community Services", "South", "America/Chicago", datetime(2019, 4, 1), "Monitoring",
                  datetime(2026, 5, 12), 104])  # fmt: skip
    sheet.append(["North Country Behavioral Health", "North", "America/Chicago", None, "training"])
    sheet.append([])  # a blank row between agencies is not an agency
    sheet.append(["Lone Pine Clinic", "West", "America/Denver"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    lines = parse_agencies_csv(buffer.getvalue())
    assert [(line.row, line.slug, line.launched_on, line.stage, line.last_review) for line in lines] == [
        (2, "red-river-community-services", date(2019, 4, 1), "Monitoring", (date(2026, 5, 12), 104)),
        (3, "north-country-behavioral-health", None, "training", None),
        (5, "lone-pine-clinic", None, None, None),
    ]


def test_a_damaged_workbook_is_refused_in_one_line() -> None:
    with pytest.raises(InvalidInput, match="looks like an Excel workbook but cannot be read") as refused:
        parse_agencies_csv(b"PK\x03\x04" + b"\x00" * 40)
    assert "\n" not in str(refused.value)


def test_exported_text_that_looks_like_a_formula_opens_as_text(tmp_path: Path) -> None:
    records = [{"name": '=HYPERLINK("http://evil.example","click")', "served": 40, "on": "2026-11-23"}]
    write_rows(tmp_path / "out.csv", records)
    assert "'=HYPERLINK(" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    write_rows(tmp_path / "out.xlsx", records)
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    name, served, on = (cell.value for cell in sheet[2])
    assert name == '\'=HYPERLINK("http://evil.example","click")' and served == 40
    assert on == datetime(2026, 11, 23)
