"""Spreadsheets as states keep them — CSV or an Excel workbook — read into rows, and lists written out as one.

The only module that talks to openpyxl. Cells keep what the file says: text, or a date where Excel stored a
date; headers are matched by whoever reads the sheet.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from roadmap.domain.errors import InvalidInput

# A cell as read: text, or a date from an Excel date cell.
Cell = str | date

# Every .xlsx is a zip archive; nothing a spreadsheet program exports as CSV starts with these bytes.
_ZIP_MAGIC = b"PK\x03\x04"
# A row count far beyond any state's agencies; a larger sheet is refused before it is read whole.
MAX_ROWS = 100_000


@dataclass(frozen=True)
class SheetRow:
    """One spreadsheet row: its number as the program shows it (the header is row 1) and its cells."""

    number: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Sheet:
    """The header row's labels, as written, and the rows under it (blank rows left out)."""

    kind: str  # "CSV file" or "workbook", for messages
    header: tuple[str, ...]
    rows: tuple[SheetRow, ...]


def read_sheet(data: bytes) -> Sheet:
    """A CSV file (UTF-8, with or without a byte-order mark) or the first worksheet of an .xlsx workbook."""
    if data.startswith(_ZIP_MAGIC):
        return _read_workbook(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")  # spreadsheet programs often prepend a byte-order mark
    except UnicodeDecodeError:
        raise InvalidInput(
            "the CSV file is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8', or give the .xlsx"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[SheetRow] = []
    try:
        header = next(reader, [])
        # Count records, not physical lines: a quoted name may span lines but is one spreadsheet row.
        for number, cells in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                raise InvalidInput(f"the CSV file has more than {MAX_ROWS:,} rows")
            if any(cell.strip() for cell in cells):
                rows.append(SheetRow(number, tuple(cells)))
    except csv.Error as error:
        raise InvalidInput(f"the CSV file is malformed near line {reader.line_num}: {error}") from None
    return Sheet("CSV file", tuple(header), tuple(rows))


def _read_workbook(data: bytes) -> Sheet:
    # Imported here: openpyxl is only needed when a workbook is given.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInput(f"the file looks like an Excel workbook but cannot be read ({error})") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise InvalidInput("the workbook has no worksheet")
        rows: list[SheetRow] = []
        header: tuple[str, ...] = ()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(_cell(value) for value in values)
            if number == 1:
                header = tuple(str(cell) for cell in cells)
            elif any(cell if isinstance(cell, date) else cell.strip() for cell in cells):
                if len(rows) >= MAX_ROWS:
                    raise InvalidInput(f"the workbook has more than {MAX_ROWS:,} rows")
                rows.append(SheetRow(number, cells))
    finally:
        workbook.close()
    # Trailing empty header cells are formatting, not columns.
    while header and not header[-1].strip():
        header = header[:-1]
    return Sheet("workbook", header, tuple(SheetRow(row.number, row.cells[: len(header)]) for row in rows))


def _cell(value: object) -> Cell:
    """An Excel cell as text, or as a date when Excel stored a date (a time of day is dropped)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a whole number typed in a cell: 104, not 104.0
    return str(value)


# --- writing: what a command prints with --json, as a spreadsheet for analysts ----------------------------------

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON record as one row: nested objects become `parent.key` columns, lists of values one cell; lists of
    objects (an agency's every stage and checklist item) are left to the JSON output."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(each, dict | list) for each in value):
                row[name] = "; ".join(str(each) for each in value)
        else:
            row[name] = value
    return row


def write_rows(target: Path, records: list[dict[str, Any]]) -> int:
    """Write records as a .csv or .xlsx file (by its suffix), one row each under a header; returns the rows.

    `target` is a path the caller checked can be written. The file is written whole or not at all. In a
    workbook, dates are date cells and numbers numbers.
    """
    rows = [flatten(record) for record in records]
    columns: list[str] = []
    for row in rows:
        columns += [name for name in row if name not in columns]
    suffix = target.suffix.lower()
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=suffix)
    os.close(handle)
    try:
        if suffix == ".csv":
            with open(temporary, "w", encoding="utf-8-sig", newline="") as stream:  # Excel reads the BOM as UTF-8
                writer = csv.writer(stream)
                writer.writerow(columns)
                writer.writerows([_text(row.get(name)) for name in columns] for row in rows)
        else:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("ips-roadmap")
            sheet.append(columns)
            for row in rows:
                sheet.append([_typed(row.get(name)) for name in columns])
            book.save(temporary)
        # Left as mkstemp makes it, owner-only: the owner shares the file; other users of the machine do not read it.
        os.replace(temporary, target)
    except OSError as error:
        raise InvalidInput(f"cannot write {target}: {error.strerror}") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return len(rows)


# Text a spreadsheet program would run as a formula ("=HYPERLINK(...)" typed as an agency's name, say).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: object) -> str:
    return "" if value is None else _inert(value) if isinstance(value, str) else str(value)


def _typed(value: object) -> object:
    if isinstance(value, str):
        return date.fromisoformat(value) if _ISO_DAY.fullmatch(value) else _inert(value)
    return value


def _inert(text: str) -> str:
    """Text that opens as text: a leading apostrophe keeps a formula-like value from being run."""
    return "'" + text if text.startswith(_FORMULA_START) else text
