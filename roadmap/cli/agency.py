"""`ips-roadmap agency ...`: add, list, show, launch."""

from __future__ import annotations

from typing import Annotated

import typer

from roadmap.cli.output import export, print_json, show, show_events
from roadmap.cli.state import (
    AsOf,
    CsvFile,
    JsonFlag,
    OnDate,
    XlsxFile,
    cli_state,
    export_targets,
    option_date,
    optional_date,
)
from roadmap.cli.tables import agencies_table, agency_detail
from roadmap.domain.errors import InvalidInput
from roadmap.services import agencies
from roadmap.services.views import agency_view, event_view

app = typer.Typer(help="Add agencies, list them, show one, record a launch.", no_args_is_help=True)

AgencySlug = Annotated[str, typer.Argument(metavar="AGENCY", help="The agency's slug (see `agency list`).")]
# For list commands: every agency's, or only the one given.
OnlyAgency = Annotated[str | None, typer.Argument(metavar="[AGENCY]", help="Only this agency.")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The agency's name.")],
    region: Annotated[str, typer.Option("--region", help="The state region it belongs to.")],
    timezone: Annotated[str, typer.Option("--timezone", help="Its IANA timezone, e.g. America/Chicago.")],
    launched: Annotated[
        str | None, typer.Option("--launched", metavar="DATE", help="Date it began IPS services, if it has.")
    ] = None,
    joined: Annotated[
        str | None,
        typer.Option("--joined", metavar="DATE", help="Date it joined the roadmap (default: today)."),
    ] = None,
    slug: Annotated[str | None, typer.Option("--slug", help="Its slug (default: made from the name).")] = None,
    stage: Annotated[
        str | None,
        typer.Option("--stage", help="For a program already on its way: the furthest stage it has reached."),
    ] = None,
    stage_since: Annotated[
        str | None, typer.Option("--stage-since", metavar="DATE", help="When it entered that stage (default: today).")
    ] = None,
    last_review: Annotated[
        str | None, typer.Option("--last-review", metavar="DATE", help="Its last fidelity review before tracking.")
    ] = None,
    last_review_total: Annotated[
        int | None, typer.Option("--last-review-total", min=25, max=125, help="That review's total (25-125).")
    ] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Add an agency: readiness becomes its active stage, or, for a program already on its way (--stage,
    --launched), the stage it has reached, tracked from today; prints its slug."""
    if (last_review is None) != (last_review_total is None):
        raise InvalidInput("give --last-review and --last-review-total together")
    state = cli_state(ctx)
    change = agencies.add_agency(
        state.app.uow(),
        state.app.roadmap,
        name=name,
        region=region,
        timezone=timezone,
        as_of=cli_state(ctx).today(as_of),
        joined_on=optional_date(joined, "--joined"),
        launched_on=optional_date(launched, "--launched"),
        slug=slug,
        stage=stage,
        stage_since=optional_date(stage_since, "--stage-since"),
        last_review=(option_date(last_review, "--last-review"), last_review_total)
        if last_review is not None and last_review_total is not None
        else None,
    )
    if json:
        print_json({"slug": change.agency.slug, "events": [event_view(e) for e in change.events]})
    else:
        print(change.agency.slug)
        show_events(change.agency.slug, change.events)


@app.command("list")
def list_(
    ctx: typer.Context,
    archived: Annotated[
        bool, typer.Option("--archived", help="The agencies that have left the roadmap instead.")
    ] = False,
    as_of: AsOf = None,
    json: JsonFlag = False,
    csv: CsvFile = None,
    xlsx: XlsxFile = None,
) -> None:
    """Every agency on the roadmap with its current stage and how long it has been there."""
    state = cli_state(ctx)
    targets = export_targets(csv, xlsx)
    app = state.app
    summaries = agencies.list_agencies(app.uow(), app.roadmap, app.cadence, as_of=state.today(as_of), archived=archived)
    export(targets, [agency_view(summary) for summary in summaries])
    if json:
        print_json([agency_view(summary) for summary in summaries])
    else:
        show(agencies_table(summaries))


@app.command("show")
def show_(ctx: typer.Context, agency: AgencySlug, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """One agency: every stage's status, dates, days taken, checklist progress, fidelity and next review."""
    state = cli_state(ctx)
    app = state.app
    summary = agencies.show_agency(app.uow(), app.roadmap, app.cadence, agency, as_of=cli_state(ctx).today(as_of))
    if json:
        print_json(agency_view(summary))
    else:
        show(agency_detail(summary))


@app.command("launch")
def launch(ctx: typer.Context, agency: AgencySlug, on: OnDate, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Record the day the agency began IPS services: the three ongoing stages start."""
    state = cli_state(ctx)
    change = agencies.launch_agency(
        state.app.uow(), state.app.roadmap, agency, on=option_date(on, "--on"), as_of=cli_state(ctx).today(as_of)
    )
    if json:
        launched_on = change.agency.launched_on.isoformat() if change.agency.launched_on else None
        print_json({"agency": agency, "launched_on": launched_on, "events": [event_view(e) for e in change.events]})
    else:
        show_events(agency, change.events)


@app.command("edit")
def edit(
    ctx: typer.Context,
    agency: AgencySlug,
    name: Annotated[str | None, typer.Option("--name", help="Its name as people say it.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="The state region it belongs to.")] = None,
    timezone: Annotated[str | None, typer.Option("--timezone", help="Its IANA timezone.")] = None,
    json: JsonFlag = False,
) -> None:
    """Correct an agency's name, region or timezone (the slug stays: commands and links use it)."""
    edited = agencies.edit_agency(cli_state(ctx).app.uow(), agency, name=name, region=region, timezone=timezone)
    document = {"agency": edited.slug, "name": edited.name, "region": edited.region, "timezone": edited.timezone}
    if json:
        print_json(document)
    else:
        print(f"{edited.slug}: {edited.name} · {edited.region} · {edited.timezone}")


@app.command("archive")
def archive(
    ctx: typer.Context,
    agency: AgencySlug,
    on: OnDate,
    reason: Annotated[str, typer.Option("--reason", help="Why it leaves the roadmap (kept in the record).")],
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Take an agency off the roadmap: no reminders or visits from that day; its history and reports stay."""
    state = cli_state(ctx)
    archived, stopped, cancelled = agencies.archive_agency(
        state.app.uow(), agency, on=option_date(on, "--on"), reason=reason, as_of=state.today(as_of)
    )
    if json:
        print_json({"agency": agency, "archived_on": str(archived.archived_on), "reminders_stopped": stopped,
                    "visits_cancelled": cancelled})  # fmt: skip
    else:
        print(f"{archived.name} left the roadmap on {archived.archived_on}; {stopped} unsent reminders stopped, "
              f"{cancelled} booked visits cancelled. "
              "`ips-roadmap agency list --archived` lists it.")  # fmt: skip


@app.command("remove")
def remove(ctx: typer.Context, agency: AgencySlug, json: JsonFlag = False) -> None:
    """Delete an agency added by mistake; refused once anything has been recorded for it (archive it instead)."""
    removed = agencies.remove_agency(cli_state(ctx).app.uow(), agency)
    if json:
        print_json({"removed": removed.slug})
    else:
        print(f"Removed {removed.name} ({removed.slug}), with its contacts and links.")
