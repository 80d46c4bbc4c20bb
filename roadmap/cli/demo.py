"""`ips-roadmap demo` and `ips-roadmap overview`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from notifications.delivery import AppriseSender
from notifications.smtp_sink import SmtpSink
from roadmap.cli.output import print_json, show
from roadmap.cli.report import write_fidelity_report
from roadmap.cli.state import AsOf, JsonFlag, as_of_date, cli_state
from roadmap.cli.tables import due_table, overview_table, sent_mail_table
from roadmap.domain.definition import Roadmap
from roadmap.services import agencies, reviews
from roadmap.services.agencies import AgencySummary
from roadmap.services.demo import REPORT_AGENCY, build_demo
from roadmap.services.sweep import sweep_in_process
from roadmap.services.views import overview_view


def demo(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Build a realistic demo state (a dozen agencies) in a fresh database and print the overview."""
    state = cli_state(ctx)
    app, today = state.app, as_of_date(as_of)
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
        sweep_in_process(app.uow, app.roadmap, app.cadence, app.reminder_rules, AppriseSender(sink.url),
                         app.settings.retry, as_of=today, now=now)  # fmt: skip
        show(sent_mail_table(sink.received, today))
    print(f"Demo state written to {app.database.masked_url}; a fidelity report written to {out}.")
    print("Try: ips-roadmap agency list · ips-roadmap review list riverbend-community-mental-health")


def overview(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Every agency against the ten stages."""
    state = cli_state(ctx)
    app = state.app
    _print_overview(
        app.roadmap, agencies.list_agencies(app.uow(), app.roadmap, app.cadence, as_of=as_of_date(as_of)), json
    )


def _print_overview(roadmap: Roadmap, summaries: list[AgencySummary], json: bool) -> None:
    if json:
        print_json(overview_view(summaries))
    else:
        show(overview_table(roadmap, summaries))
