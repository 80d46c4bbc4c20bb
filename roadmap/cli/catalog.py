"""`ips-roadmap init` and `ips-roadmap stages`: the schema and the roadmap itself."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from roadmap.cli.output import print_json, show
from roadmap.cli.state import JsonFlag, cli_state
from roadmap.cli.tables import roadmap_table, stage_detail
from roadmap.services.views import roadmap_view, stage_definition_view


def init(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Create or upgrade the database schema; safe to run again."""
    database = cli_state(ctx).app.database
    before, after = database.upgrade()
    if database.tightened is not None:
        # Said on stderr so --json output stays one document.
        print(f"{database.sqlite_path} was readable by other users ({database.tightened:o}); it is now owner-only "
              "(600): it holds the key that signs agency links.", file=sys.stderr)  # fmt: skip
    if json:
        print_json({"database": database.masked_url, "revision_before": before, "revision": after})
    elif before == after:
        print(f"Database {database.masked_url} is up to date (schema revision {after}).")
    else:
        print(f"Database {database.masked_url} now at schema revision {after} (was {before or 'empty'}).")


def stages(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Argument(metavar="[STAGE_KEY]", help="Show one stage in full.")] = None,
    json: JsonFlag = False,
) -> None:
    """The roadmap's ten stages; with a STAGE_KEY, its checklist keys, tools and leader questions."""
    roadmap = cli_state(ctx).app.roadmap
    if stage is None:
        if json:
            print_json(roadmap_view(roadmap))
        else:
            show(roadmap_table(roadmap))
        return
    definition = roadmap.stage(stage)
    if json:
        print_json(stage_definition_view(definition))
    else:
        show(stage_detail(definition))
