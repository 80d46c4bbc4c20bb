"""`ips-roadmap import agencies FILE.csv`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, cli_state
from roadmap.cli.tables import agencies_table
from roadmap.domain.errors import InvalidInput
from roadmap.services.agencies import summarise
from roadmap.services.imports import import_agencies, parse_agencies_csv

app = typer.Typer(help="Bulk imports.", no_args_is_help=True)


@app.command("agencies")
def agencies(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE.csv", help="CSV: name,region,timezone[,launched][,joined][,slug]")
    ],
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Add every agency in a CSV file, or none if any row is bad."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {file}: {error.strerror}") from None
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    changes = import_agencies(app.uow(), app.roadmap, parse_agencies_csv(data), as_of=today)
    if json:
        print_json({"imported": len(changes), "slugs": [change.agency.slug for change in changes]})
    else:
        show(agencies_table([summarise(change.agency, app.roadmap, app.cadence, [], today) for change in changes]))
