"""Bulk import of agencies from a spreadsheet export: all rows or none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from roadmap.domain.dates import parse_iso_date
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import InvalidInput, RoadmapError
from roadmap.domain.names import slugify
from roadmap.services.ports import UnitOfWork
from stages import progression
from stages.progression import Change

REQUIRED_COLUMNS = ("name", "region", "timezone")
OPTIONAL_COLUMNS = ("launched", "joined", "slug")


@dataclass(frozen=True)
class AgencyLine:
    """One CSV row, parsed; `row` is its spreadsheet row number (the header is row 1)."""

    row: int
    name: str
    region: str
    timezone: str
    slug: str
    joined_on: date | None
    launched_on: date | None


def parse_agencies_csv(data: bytes) -> list[AgencyLine]:
    """Parse CSV with header name,region,timezone[,launched][,joined][,slug]; refuse the first bad row."""
    try:
        text = data.decode("utf-8-sig")  # spreadsheet programs often prepend a byte-order mark
    except UnicodeDecodeError:
        raise InvalidInput("the CSV file is not UTF-8 text") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [column.strip().lower() for column in reader.fieldnames or []]
        _check_header(header)
        reader.fieldnames = header
        lines = []
        # Count records, not physical lines: a quoted name may span lines but is one spreadsheet row.
        for row_number, row in enumerate(reader, start=2):
            lines.append(_parse_row(row_number, row))
    except csv.Error as error:
        raise InvalidInput(f"the CSV file is malformed near line {reader.line_num}: {error}") from None
    if not lines:
        raise InvalidInput("the CSV file has a header but no agencies")
    return lines


def import_agencies(uow: UnitOfWork, roadmap: Roadmap, lines: list[AgencyLine], *, as_of: date) -> list[Change]:
    """Enrol every agency in one transaction; any refusal names its row and nothing is written."""
    seen: dict[str, int] = {}
    with uow:
        existing = uow.agencies.slugs()
        changes = []
        for line in lines:
            if line.slug in seen:
                raise InvalidInput(f"row {line.row}: slug {line.slug!r} repeats row {seen[line.slug]}")
            if line.slug in existing:
                raise InvalidInput(f"row {line.row}: an agency with slug {line.slug!r} already exists")
            seen[line.slug] = line.row
            try:
                change = progression.enrol(
                    slug=line.slug,
                    name=line.name,
                    region=line.region,
                    timezone=line.timezone,
                    joined_on=line.joined_on,
                    launched_on=line.launched_on,
                    roadmap=roadmap,
                    as_of=as_of,
                )
            except RoadmapError as error:
                raise InvalidInput(f"row {line.row}: {error}") from None
            uow.agencies.add(change.agency)
            changes.append(change)
        uow.commit()
    return changes


def _check_header(header: list[str]) -> None:
    if not header:
        raise InvalidInput("the CSV file is empty; it needs a header row: name,region,timezone")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InvalidInput(f"the CSV header lacks column(s) {', '.join(missing)}; it needs name,region,timezone")
    unknown = [column for column in header if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise InvalidInput(
            f"the CSV header has unknown column(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}"
        )
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise InvalidInput(f"the CSV header repeats column(s) {', '.join(repeated)}")


def _parse_row(row_number: int, row: dict[str | None, str | list[str] | None]) -> AgencyLine:
    if None in row:
        raise InvalidInput(f"row {row_number}: more values than header columns")
    if any(value is None for value in row.values()):
        raise InvalidInput(f"row {row_number}: fewer values than header columns")
    values = {key: value.strip() for key, value in row.items() if isinstance(key, str) and isinstance(value, str)}
    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            raise InvalidInput(f"row {row_number}: {column} is empty")
    try:
        joined = parse_iso_date(values["joined"], "joined") if values.get("joined") else None
        launched = parse_iso_date(values["launched"], "launched") if values.get("launched") else None
    except InvalidInput as error:
        raise InvalidInput(f"row {row_number}: {error}") from None
    slug = values.get("slug") or slugify(values["name"])
    if not slug:
        raise InvalidInput(f"row {row_number}: name {values['name']!r} gives no usable slug; add a slug column")
    return AgencyLine(
        row=row_number,
        name=values["name"],
        region=values["region"],
        timezone=values["timezone"],
        slug=slug,
        joined_on=joined,
        launched_on=launched,
    )
