"""`ips-roadmap visits ...` and `ips-roadmap forecast`: plan trainers' site visits, calendars, workload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, OnDate, cli_state, option_date, optional_date
from roadmap.cli.visit_tables import forecast_table, unmet_table, visits_table
from roadmap.domain.errors import InvalidInput
from roadmap.domain.visit import Visit, VisitStatus
from roadmap.render import check_writable, write_atomically
from roadmap.render.calendar import visits_calendar
from roadmap.services import forecast as forecasting
from roadmap.services import visits
from roadmap.services.views import forecast_view, plan_view, visit_view

app = typer.Typer(help="Trainers' site visits: plan the coming weeks, record them done, export calendars.")

TrainerOption = Annotated[str | None, typer.Option("--trainer", metavar="NAME", help="Only this trainer's visits.")]
AgencyOption = Annotated[str | None, typer.Option("--agency", metavar="SLUG", help="Only this agency's visits.")]
FromDate = Annotated[str | None, typer.Option("--from", metavar="DATE", help="First day (default: today).")]
VisitId = Annotated[int, typer.Argument(metavar="ID", min=1, max=2**31 - 1, help="The visit's id (see `visits list`).")]
IcsFile = Annotated[Path | None, typer.Option("--ics", metavar="FILE", help="Also write the visits as an .ics file.")]


@app.command("plan")
def plan(
    ctx: typer.Context,
    start: FromDate = None,
    weeks: Annotated[int, typer.Option("--weeks", metavar="N", help="How many weeks to plan (1-52).")] = 4,
    trainer: TrainerOption = None,
    ics: IcsFile = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Book the visits due in the coming weeks within every trainer's capacity; list what could not be fitted.

    Visits booked by an earlier plan are kept; only new needs are booked, so planning again is safe.
    """
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    if ics is not None:
        check_writable(ics)
    first = option_date(start, "--from") if start else today
    result = visits.plan(app.uow(), app.visit_rules, start=first, weeks=weeks, as_of=today, trainer=trainer)
    if ics is not None:
        _write_ics(ctx, ics, trainer=trainer, chosen=result.visits)
    if json:
        print_json(plan_view(result))
        return
    period = f"{result.start:%d %b %Y} – {result.end:%d %b %Y}"
    show(
        visits_table(result.visits, f"Visit plan {period}: {len(result.visits)} visits"),
        unmet_table(result.unmet),
    )
    print(
        f"{len(result.booked)} visits booked now, {len(result.kept)} kept from earlier plans. "
        f"Trip days: {result.trip_days} (one agency per trip day would take {result.naive_trip_days})."
    )
    notice = app.visit_policy.min_notice_days
    late = [visit for visit in result.booked if visit.due_on < today + timedelta(days=notice)]
    if late:
        # Overdue (or due within the notice): booked on the first day the notice allows, not tomorrow morning.
        shown = "; ".join(f"{v.where} {v.purpose} (due {v.due_on}) on {v.on}" for v in late[:8])
        more = f" and {len(late) - 8} more" if len(late) > 8 else ""
        print(
            f"{len(late)} overdue visits could not be booked sooner than {notice} days' notice allows: {shown}{more}."
        )
    if ics is not None:
        print(f"Calendar written to {ics}")


@app.command("list")
def list_(
    ctx: typer.Context,
    start: FromDate = None,
    end: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last day.")] = None,
    trainer: TrainerOption = None,
    agency: AgencyOption = None,
    status: Annotated[
        VisitStatus | None, typer.Option("--status", help="Only visits with this status.", case_sensitive=False)
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Booked visits, soonest first (all of them unless filtered)."""
    app = cli_state(ctx).app
    listed = visits.list_visits(
        app.uow(),
        start=optional_date(start, "--from"),
        end=optional_date(end, "--to"),
        trainer=trainer,
        agency=agency,
        status=status,
    )
    if json:
        print_json([visit_view(visit) for visit in listed])
    else:
        show(visits_table(listed, f"{len(listed)} visits"))


@app.command("done")
def done(ctx: typer.Context, visit_id: VisitId, on: OnDate, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Record a visit as made; it counts toward its routine's cadence (the next one falls due from that day)."""
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    recorded = visits.mark_done(app.uow(), app.visit_rules, visit_id, on=option_date(on, "--on"), as_of=today)
    if json:
        print_json({**visit_view(recorded.visit), "counted_for": recorded.counted_for, "note": recorded.note})
        return
    print(f"Visit {visit_id} recorded as done on {recorded.visit.done_on}.")
    if recorded.counted_for:
        print(f"Counted as {recorded.visit.purpose} for: {', '.join(recorded.counted_for)}.")
    if recorded.note:
        print(f"Note: {recorded.note}")


@app.command("cancel")
def cancel(ctx: typer.Context, visit_id: VisitId, json: JsonFlag = False) -> None:
    """Cancel a planned visit; the next `visits plan` books its need again."""
    cancelled = visits.cancel(cli_state(ctx).app.uow(), visit_id)
    if json:
        print_json(visit_view(cancelled))
    else:
        print(f"Visit {visit_id} ({cancelled.purpose}, {cancelled.where}, {cancelled.on}) cancelled.")


@app.command("move")
def move(
    ctx: typer.Context,
    visit_id: VisitId,
    to: Annotated[str, typer.Option("--to", metavar="DATE", help="The new first day (YYYY-MM-DD).")],
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Move a planned visit to another working day when everyone on it is free; its calendar event follows."""
    state = cli_state(ctx)
    moved = visits.move(
        state.app.uow(), state.app.visit_rules, visit_id, to=option_date(to, "--to"), as_of=state.today(as_of)
    )
    if json:
        print_json(visit_view(moved))
    else:
        print(f"Visit {visit_id} ({moved.purpose}, {moved.where}) moved to {moved.on:%A %-d %B %Y}; "
              "export the calendar again (`ips-roadmap visits ics`) to update it.")  # fmt: skip


@app.command("ics")
def ics(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="Where to write the .ics file.")],
    trainer: TrainerOption = None,
    agency: AgencyOption = None,
) -> None:
    """Export visits as an iCalendar file; importing a newer export updates the same events (stable UIDs)."""
    if trainer and agency:
        raise InvalidInput("give --trainer or --agency, not both")
    check_writable(out)
    count = _write_ics(ctx, out, trainer=trainer, agency=agency)
    print(f"{count} visits written to {out}")


def forecast(
    ctx: typer.Context,
    months: Annotated[int, typer.Option("--months", metavar="N", help="How many months ahead (1-60).")] = 24,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Visit days each trainer is needed for, month by month, against their capacity."""
    app = cli_state(ctx).app
    projected = forecasting.workload(app.uow(), app.visit_rules, as_of=cli_state(ctx).today(as_of), months=months)
    if json:
        print_json(forecast_view(projected))
        return
    show(forecast_table(projected))
    over = projected.first_over()
    if over is None:
        print(f"No trainer is needed beyond capacity in the next {months} months.")
    else:
        print(f"First month over capacity: {over[0]} ({over[1]}).")
    if projected.unassigned_days():
        print(f"{projected.unassigned_days():g} visit days have no trainer: `ips-roadmap trainer assign NAME AGENCY`.")
    print("An upper bound: visits that would share a trip day are counted apart.")


def _write_ics(
    ctx: typer.Context,
    out: Path,
    *,
    trainer: str | None = None,
    agency: str | None = None,
    chosen: list[Visit] | None = None,
) -> int:
    app = cli_state(ctx).app
    source = visits.calendar_source(app.uow(), app.visit_rules, trainer=trainer, agency=agency, visits=chosen)
    text = visits_calendar(
        source.visits,
        title=source.title,
        calendar_id=source.calendar_id,
        policy=app.visit_policy,
        names=source.names,
        timezones=source.timezones,
        state_timezone=app.settings.schedule.timezone,
        titles=source.titles,
        stamp=datetime.now(UTC),
    )
    write_atomically(out, text.decode("utf-8"))
    return len(source.visits)
