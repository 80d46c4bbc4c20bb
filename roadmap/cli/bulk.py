"""`ips-roadmap import agencies FILE`: a CSV or .xlsx spreadsheet of agencies."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from roadmap.bootstrap import Application
from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, cli_state
from roadmap.cli.tables import agencies_table, reminders_table
from roadmap.domain.errors import InvalidInput
from roadmap.services.agencies import AgencySummary, summarise
from roadmap.services.imports import AgencyLine, ImportPreview, import_agencies, parse_agencies, preview_import
from roadmap.services.views import reminder_view
from stages.progression import Change

app = typer.Typer(help="Bulk imports.", no_args_is_help=True)


@app.command("agencies")
def agencies(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A .csv or .xlsx with columns name, region, timezone and optionally launched, joined, slug, stage, "
            "stage_since, last_review, last_review_total (headers as people write them: 'Agency Name', 'Time Zone').",
        ),
    ],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check every row and print what the first sweep would send; write nothing."),
    ] = False,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Add every agency in a spreadsheet, or none if any row is bad; programs already running IPS are onboarded."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {file}: {error.strerror}") from None
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    parsed = parse_agencies(data)
    if parsed.ignored and not json:
        # One line on stderr, so a script reading stdout is not disturbed.
        print(f"Ignored column(s) the import does not use: {', '.join(parsed.ignored)}", file=sys.stderr)
    if dry_run:
        preview = preview_import(app.uow(), app.roadmap, app.cadence, app.reminder_rules, parsed.lines, as_of=today)
        _print_preview(preview, parsed.ignored, today, json)
        return
    changes = import_agencies(app.uow(), app.roadmap, parsed.lines, as_of=today)
    if json:
        print_json({"imported": len(changes), "slugs": [change.agency.slug for change in changes],
                    "ignored_columns": list(parsed.ignored)})  # fmt: skip
    else:
        show(agencies_table(_summaries(app, parsed.lines, changes, today)))


def _summaries(app: Application, lines: list[AgencyLine], changes: list[Change], today: date) -> list[AgencySummary]:
    return [
        summarise(change.agency, app.roadmap, app.cadence, [line.last_review] if line.last_review else [], today)
        for line, change in zip(lines, changes, strict=True)
    ]


def _print_preview(preview: ImportPreview, ignored: tuple[str, ...], today: date, json: bool) -> None:
    if json:
        print_json({
            "dry_run": True,
            "would_import": [change.agency.slug for change in preview.changes],
            "ignored_columns": list(ignored),
            "first_sweep": [reminder_view(reminder, today) for reminder in preview.reminders],
            "nobody_to_remind": preview.unreachable,
        })  # fmt: skip
        return
    print(f"Dry run: {len(preview.changes)} agencies would be imported; nothing was written.")
    show(reminders_table(preview.reminders, today))
    if preview.unreachable:
        print(
            f"{len(preview.unreachable)} of them have nobody of their own to remind yet (no director or IPS "
            f"supervisor): add one with `ips-roadmap contact add SLUG --role director ...` before the first sweep."
        )
