"""`ips-roadmap checklist done` and `ips-roadmap stage complete`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from roadmap.cli.agency import AgencySlug
from roadmap.cli.output import print_json, show_events
from roadmap.cli.state import AsOf, JsonFlag, OnDate, cli_state, option_date
from roadmap.domain.completion import standing
from roadmap.domain.definition import Roadmap
from roadmap.services import agencies
from roadmap.services.views import event_view
from stages.progression import Change

checklist_app = typer.Typer(help="Mark checklist items done.", no_args_is_help=True)
stage_app = typer.Typer(help="Complete gate stages.", no_args_is_help=True)


@checklist_app.command("done")
def done(
    ctx: typer.Context,
    agency: AgencySlug,
    item: Annotated[str, typer.Argument(metavar="ITEM_KEY", help="A checklist item key (see `stages STAGE`).")],
    on: OnDate,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Mark a checklist item done; the last open item of the active stage completes it."""
    state, today = cli_state(ctx), cli_state(ctx).today(as_of)
    change = agencies.mark_item_done(
        state.app.uow(), state.app.roadmap, agency, item, on=option_date(on, "--on"), as_of=today
    )
    _report(state.app.roadmap, change, today, json)


@stage_app.command("complete")
def complete(
    ctx: typer.Context,
    agency: AgencySlug,
    stage: Annotated[str, typer.Argument(metavar="STAGE_KEY", help="The active gate stage's key.")],
    on: OnDate,
    force: Annotated[bool, typer.Option("--force", help="Complete it although checklist items are open.")] = False,
    note: Annotated[str | None, typer.Option("--note", help="Why (required with --force).")] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Complete the active gate stage; the next one starts the same day."""
    state, today = cli_state(ctx), cli_state(ctx).today(as_of)
    change = agencies.complete_stage(
        state.app.uow(),
        state.app.roadmap,
        agency,
        stage,
        on=option_date(on, "--on"),
        as_of=today,
        force=force,
        note=note,
    )
    _report(state.app.roadmap, change, today, json)


def _report(roadmap: Roadmap, change: Change, as_of: date, json: bool) -> None:
    slug = change.agency.slug
    if json:
        current = standing(change.agency, roadmap, as_of).current_stage
        print_json({"agency": slug, "current_stage": current, "events": [event_view(e) for e in change.events]})
    else:
        show_events(slug, change.events)
