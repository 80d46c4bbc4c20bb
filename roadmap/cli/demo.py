"""`ips-roadmap demo` and `ips-roadmap overview`."""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.progress import Progress

from notifications.delivery import AppriseSender
from notifications.smtp_sink import Received, SmtpSink
from roadmap.bootstrap import build
from roadmap.cli.output import console, export, print_json, show, warn_nobody_to_remind
from roadmap.cli.report import write_fidelity_report
from roadmap.cli.state import AsOf, CsvFile, JsonFlag, XlsxFile, cli_state, export_targets
from roadmap.cli.tables import due_table, overview_table, sent_mail_table, year_table
from roadmap.domain.definition import Roadmap
from roadmap.services import agencies, reviews
from roadmap.services.agencies import AgencySummary
from roadmap.services.contacts import agencies_nobody_reminds
from roadmap.services.demo import DEMO_ADMIN, REPORT_AGENCY, build_demo
from roadmap.services.demo_year import month_totals, simulate_year
from roadmap.services.outbox import PageLinks
from roadmap.services.sweep import sweep_in_process
from roadmap.services.users import SIGN_IN_MINUTES, issue_sign_in
from roadmap.services.views import overview_view


def demo(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Build a realistic demo state (a dozen agencies) in a fresh database and print the overview."""
    state = cli_state(ctx)
    app, today = state.app, state.today(as_of)
    app.database.upgrade()
    build_demo(app.uow(), app.roadmap, app.scale, app.cadence, as_of=today)
    summaries = agencies.list_agencies(app.uow(), app.roadmap, app.cadence, as_of=today)
    out = Path(f"fidelity-report-{REPORT_AGENCY}.html")
    write_fidelity_report(app, REPORT_AGENCY, out, review_date=None, as_of=today)
    if json:
        _print_overview(app.roadmap, summaries, json)
        return
    _print_overview(app.roadmap, summaries, json)
    show(due_table(reviews.reviews_due(app.uow(), app.cadence, as_of=today)))
    # The demo's reminders go to a mail server inside this process, whatever IPS_ROADMAP_MAIL_URL says.
    with SmtpSink() as sink:
        _, now = app.settings.schedule.run_for(today, datetime.now(UTC))
        # The demo's leaders read their mail on this machine: their links point at the app it serves.
        web = app.settings.web
        policies = replace(app.policies, links=PageLinks(web.address, web.link_days))
        sweep_in_process(app.uow, policies, AppriseSender(sink.url), as_of=today, now=now)
        show(sent_mail_table(sink.received, today))
    link = _agency_link(sink.received, web.address)
    if link:
        print(f"An agency leader's own page, where they tick their checklist, report outcomes and close action "
              f"steps, as their reminder links it: {link}")  # fmt: skip
    _, secret = issue_sign_in(app.uow(), DEMO_ADMIN, now=datetime.now(UTC))
    print(f"Sign in as the state lead (admin): serve the pages with `ips-roadmap web`, then open "
          f"{web.address}/sign-in/{secret} within {SIGN_IN_MINUTES} minutes "
          f"(`ips-roadmap user link {DEMO_ADMIN}` prints a new one).")  # fmt: skip
    print(f"Demo state written to {app.database.masked_url}; a fidelity report written to {out}.")
    print("Try: ips-roadmap agency list · ips-roadmap review list riverbend-community-mental-health")


def _agency_link(received: list[Received], base_url: str) -> str | None:
    """The first personal agency link in the reminders the demo sent."""
    pattern = re.compile(re.escape(base_url.rstrip("/")) + r"/a/[\w.-]+")
    for mail in received:
        for part in mail.message.walk():
            payload = part.get_payload(decode=True) if part.get_content_type() == "text/plain" else None
            found = pattern.search(payload.decode(errors="replace")) if isinstance(payload, bytes) else None
            if found:
                return found.group(0)
    return None


def simulate(
    ctx: typer.Context,
    as_of: AsOf = None,
    days: Annotated[int, typer.Option("--days", min=1, max=3 * 366, help="How many days to play.")] = 365,
    every: Annotated[int, typer.Option("--every", min=1, max=31, help="Sweep every N days (1: daily).")] = 1,
    json: JsonFlag = False,
) -> None:
    """Play a year of the demo state in a scratch database: agencies work, the sweep runs, month by month."""
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    # A scratch SQLite file: the simulation moves a year ahead, and the user's database must stay as of today.
    with TemporaryDirectory(prefix="ips-roadmap-year-") as folder:
        scratch = build(app.settings.model_copy(update={"database_url": SecretStr(f"sqlite:///{folder}/year.db")}))
        try:
            scratch.database.upgrade()
            build_demo(scratch.uow(), scratch.roadmap, scratch.scale, scratch.cadence, as_of=today)
            with Progress(transient=True, console=console(), disable=json) as bar:
                task = bar.add_task(f"Playing {days} days from {today}", total=days)
                months = simulate_year(scratch.uow, scratch.policies, start=today, days=days, every=every,
                                       progress=lambda day: bar.update(task, completed=day))  # fmt: skip
        finally:
            scratch.close()
    if json:
        print_json({"start": today.isoformat(), "days": days, "every": every, "totals": month_totals(months),
                    "months": [asdict(month) for month in months]})  # fmt: skip
        return
    show(year_table(months, every))
    totals = month_totals(months)
    print(
        f"In {days} days: {totals['items_done']} checklist items done, {totals['stages_completed']} stages completed, "
        f"{totals['launched']} launches, {totals['reviews']} fidelity reviews, {totals['routines_kept']} meetings, "
        f"visits and reports, {totals['reminders_sent']} reminders sent."
    )


def overview(
    ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False, csv: CsvFile = None, xlsx: XlsxFile = None
) -> None:
    """Every agency against the ten stages."""
    state = cli_state(ctx)
    targets = export_targets(csv, xlsx)
    app, today = state.app, state.today(as_of)
    summaries = agencies.list_agencies(app.uow(), app.roadmap, app.cadence, as_of=today)
    export(targets, overview_view(summaries))
    _print_overview(app.roadmap, summaries, json)
    if not json:
        warn_nobody_to_remind(agencies_nobody_reminds(app.uow(), as_of=today))


def _print_overview(roadmap: Roadmap, summaries: list[AgencySummary], json: bool) -> None:
    if json:
        print_json(overview_view(summaries))
    else:
        show(overview_table(roadmap, summaries))
