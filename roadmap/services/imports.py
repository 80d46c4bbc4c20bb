"""Bulk import of agencies from a spreadsheet (CSV or .xlsx), headers as people write them: all rows or none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.contact import nobody_to_remind
from roadmap.domain.dates import parse_iso_date
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import InvalidInput, RoadmapError
from roadmap.domain.fidelity import MAX_TOTAL, MIN_TOTAL
from roadmap.domain.names import slugify
from roadmap.domain.reminder_rules import Reminder, ReminderRules, reminders_owed
from roadmap.domain.review import check_review_before_tracking
from roadmap.services.ports import UnitOfWork
from roadmap.services.sheets import Cell, Sheet, SheetRow, read_sheet
from stages import progression
from stages.context import AgencyContext
from stages.due import due_items
from stages.progression import Change

REQUIRED_COLUMNS = ("name", "region", "timezone")
OPTIONAL_COLUMNS = ("launched", "joined", "slug", "stage", "stage_since", "last_review", "last_review_total")
# Headers as states write them, after folding case, spaces, hyphens and underscores ("Time Zone" -> time_zone).
SYNONYMS = {
    "name": ("agency", "agency_name", "program", "program_name", "provider", "provider_name", "organization"),
    "region": ("area", "state_region", "county"),
    "timezone": ("time_zone", "tz"),
    "launched": ("launch_date", "launched_on", "ips_launch", "ips_launch_date", "ips_start_date", "date_launched"),
    "joined": ("joined_on", "join_date", "date_joined"),
    "slug": (),
    "stage": ("current_stage", "roadmap_stage"),
    "stage_since": ("in_stage_since", "stage_start", "stage_date", "stage_started"),
    "last_review": ("last_review_date", "last_fidelity_review", "last_fidelity_review_date"),
    "last_review_total": ("last_review_score", "last_fidelity_total", "last_fidelity_score", "fidelity_total"),
}
_COLUMN_OF = {alias: column for column, aliases in SYNONYMS.items() for alias in (column, *aliases)}
_FOLD = re.compile(r"[\s_\-]+")


@dataclass(frozen=True)
class AgencyLine:
    """One spreadsheet row, parsed; `row` is its row number (the header is row 1)."""

    row: int
    name: str
    region: str
    timezone: str
    slug: str
    joined_on: date | None
    launched_on: date | None
    stage: str | None = None
    stage_since: date | None = None
    last_review: tuple[date, int] | None = None


@dataclass(frozen=True)
class AgencySheet:
    """The agencies a spreadsheet holds, and the columns it had that the import does not use."""

    lines: list[AgencyLine]
    ignored: tuple[str, ...] = field(default=())


def parse_agencies(data: bytes) -> AgencySheet:
    """Read a CSV or .xlsx with a header naming name, region, timezone and any optional column; refuse the
    first bad row. Columns the import does not know are set aside (named in `ignored`)."""
    sheet = read_sheet(data)
    columns, ignored = _columns(sheet)
    lines = [_parse_row(row, columns, sheet) for row in sheet.rows]
    if not lines:
        raise InvalidInput(f"the {sheet.kind} has a header but no agencies")
    return AgencySheet(lines, ignored)


def parse_agencies_csv(data: bytes) -> list[AgencyLine]:
    """The agency lines of a CSV or .xlsx file (see parse_agencies)."""
    return parse_agencies(data).lines


def import_agencies(uow: UnitOfWork, roadmap: Roadmap, lines: list[AgencyLine], *, as_of: date) -> list[Change]:
    """Enrol every agency in one transaction; any refusal names its row and nothing is written."""
    changes = plan_import(uow, roadmap, lines, as_of=as_of)
    with uow:
        # Checked again where it is written: an agency added meanwhile is a one-line refusal, not a key error.
        taken = uow.agencies.slugs()
        for line in lines:
            if line.slug in taken:
                raise InvalidInput(f"row {line.row}: an agency with slug {line.slug!r} already exists")
        uow.agencies.add_many([change.agency for change in changes])
        for line in lines:
            if line.last_review is not None:
                uow.reviews.add_total(line.slug, *line.last_review)
        uow.commit()
    return changes


def plan_import(uow: UnitOfWork, roadmap: Roadmap, lines: list[AgencyLine], *, as_of: date) -> list[Change]:
    """What importing these lines would make of each agency, checked against the state (nothing written)."""
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
                stage=roadmap.find_stage(line.stage).key if line.stage else None,
                stage_since=line.stage_since,
            )
            if line.last_review is not None:
                check_review_before_tracking(change.agency, line.last_review[0], as_of=as_of)
        except RoadmapError as error:
            raise InvalidInput(f"row {line.row}: {error}") from None
        changes.append(change)
    return changes


@dataclass(frozen=True)
class ImportPreview:
    """What importing would do: the agencies as they would stand, and what the first sweep would send."""

    changes: list[Change]
    reminders: list[Reminder]
    # Agencies with nobody of their own to remind (no director or IPS supervisor): theirs reach no one.
    unreachable: list[str]


def preview_import(
    uow: UnitOfWork,
    roadmap: Roadmap,
    cadence: CadenceRules,
    rules: ReminderRules,
    lines: list[AgencyLine],
    *,
    as_of: date,
) -> ImportPreview:
    """`import agencies --dry-run`: every check the import makes, then the reminders the first sweep would owe
    for these agencies, to whom — nothing is written."""
    changes = plan_import(uow, roadmap, lines, as_of=as_of)
    with uow:
        contacts = uow.contacts.listed()
    horizon = as_of + timedelta(days=rules.lookahead_days())
    items = [
        item
        for line, change in zip(lines, changes, strict=True)
        for item in due_items(
            AgencyContext(change.agency, roadmap, cadence, reviews=[line.last_review] if line.last_review else []),
            as_of,
        )
        if item.due_on <= horizon
    ]
    owed = reminders_owed(items, contacts, rules, as_of, already=set())
    return ImportPreview(
        changes=changes,
        reminders=sorted(owed, key=lambda r: (r.recipient.name, r.item.due_on, r.item.agency, r.item.subject)),
        unreachable=nobody_to_remind(
            (change.agency.slug for change in changes), ((c.agency, c.role) for c in contacts)
        ),
    )


def _fold(label: str) -> str:
    return _FOLD.sub("_", label.strip().lower()).strip("_")


def _columns(sheet: Sheet) -> tuple[dict[str, int], tuple[str, ...]]:
    """Where each known column is, by its place in the header, and the header labels set aside."""
    if not any(label.strip() for label in sheet.header):
        raise InvalidInput(f"the {sheet.kind} is empty; it needs a header row: name,region,timezone")
    places: dict[str, int] = {}
    ignored = []
    for place, label in enumerate(sheet.header):
        column = _COLUMN_OF.get(_fold(label))
        if column is None:
            if label.strip():
                ignored.append(label.strip())
            continue
        if column in places:
            raise InvalidInput(
                f"the header repeats column(s) {column} ({sheet.header[places[column]]!r} and {label.strip()!r})"
            )
        places[column] = place
    missing = [column for column in REQUIRED_COLUMNS if column not in places]
    if missing:
        raise InvalidInput(f"the header lacks column(s) {', '.join(missing)}; it needs name,region,timezone")
    return places, tuple(ignored)


def _parse_row(row: SheetRow, columns: dict[str, int], sheet: Sheet) -> AgencyLine:
    number, cells = row.number, row.cells
    if sheet.kind == "workbook":
        cells = cells + ("",) * (len(sheet.header) - len(cells))  # a workbook leaves trailing empty cells out
    elif len(cells) > len(sheet.header):
        raise InvalidInput(f"row {number}: more values than header columns")
    elif len(cells) < len(sheet.header):
        raise InvalidInput(f"row {number}: fewer values than header columns")
    values = {column: cells[place] for column, place in columns.items()}
    for column in REQUIRED_COLUMNS:
        if not _text(values[column]):
            raise InvalidInput(f"row {number}: {column} is empty")
    try:
        dates = {column: _date(values.get(column, ""), column) for column in ("joined", "launched", "stage_since")}
        last_review = _last_review(values.get("last_review", ""), values.get("last_review_total", ""))
    except InvalidInput as error:
        raise InvalidInput(f"row {number}: {error}") from None
    name = _text(values["name"])
    slug = _text(values.get("slug", "")) or slugify(name)
    if not slug:
        raise InvalidInput(f"row {number}: name {name!r} gives no usable slug; add a slug column")
    return AgencyLine(
        row=number,
        name=name,
        region=_text(values["region"]),
        timezone=_text(values["timezone"]),
        slug=slug,
        joined_on=dates["joined"],
        launched_on=dates["launched"],
        stage=_text(values.get("stage", "")) or None,
        stage_since=dates["stage_since"],
        last_review=last_review,
    )


def _text(cell: Cell) -> str:
    return cell.isoformat() if isinstance(cell, date) else cell.strip()


def _date(cell: Cell, column: str) -> date | None:
    """An Excel date cell as it is; text as a strict YYYY-MM-DD; empty as None."""
    if isinstance(cell, date):
        return cell
    return parse_iso_date(cell, column) if cell.strip() else None


def _last_review(day: Cell, total: Cell) -> tuple[date, int] | None:
    """The last fidelity review's date and total, both or neither."""
    on = _date(day, "last_review")
    written = _text(total)
    if on is None and not written:
        return None
    if on is None or not written:
        raise InvalidInput("give last_review and last_review_total together (the date and the 25-item total)")
    if not written.isascii() or not written.isdigit() or not MIN_TOTAL <= int(written) <= MAX_TOTAL:
        raise InvalidInput(f"last_review_total {written!r} is not a whole number from {MIN_TOTAL} to {MAX_TOTAL}")
    return on, int(written)
