"""`ips-roadmap report fidelity`: the HTML report a state team sends to the agency."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from roadmap.bootstrap import Application
from roadmap.cli.agency import AgencySlug
from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, QuarterOption, cli_state, optional_date
from roadmap.cli.tables import quarter_table
from roadmap.render import render_fidelity_report, render_quarter_report, write_atomically
from roadmap.services.fidelity_report import build_report
from roadmap.services.quarter import parse_quarter, quarter_summary
from roadmap.services.views import quarter_view

app = typer.Typer(help="Reports for agencies and the state team.", no_args_is_help=True)


@app.command("fidelity")
def fidelity(
    ctx: typer.Context,
    agency: AgencySlug,
    out: Annotated[Path, typer.Option("--out", metavar="FILE.html", help="Where to write the report.")],
    review: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="The review to report on (default: the latest).")
    ] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Write a fidelity review report: scores by section, band, changes, strengths and the action plan."""
    app_ = cli_state(ctx).app
    review_date = optional_date(review, "--date")
    written = write_fidelity_report(app_, agency, out, review_date=review_date, as_of=cli_state(ctx).today(as_of))
    if json:
        print_json({"agency": agency, "date": written[1], "out": str(out)})
    else:
        print(f"Fidelity report for the review of {written[1]} written to {out}")


@app.command("quarter")
def quarter(
    ctx: typer.Context,
    which: QuarterOption = None,
    out: Annotated[Path | None, typer.Option("--out", metavar="FILE.html", help="Also write it as HTML.")] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """The state's quarterly summary: stages completed, reviews, meetings and outcome reports per agency."""
    app_, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    summary = quarter_summary(app_.uow(), app_.roadmap, app_.cadence, quarter=parse_quarter(which, today), as_of=today)
    if out is not None:
        write_atomically(out, render_quarter_report(summary))
    if json:
        print_json(quarter_view(summary))
    else:
        show(quarter_table(summary))
        if out is not None:
            print(f"Quarterly summary for {summary.quarter} written to {out}")


def write_fidelity_report(
    app: Application, agency: str, out: Path, *, review_date: date | None, as_of: date
) -> tuple[Path, str]:
    """Render and write the report atomically."""
    report = build_report(app.uow(), app.scale, app.cadence, agency, review_date=review_date, as_of=as_of)
    write_atomically(out, render_fidelity_report(report))
    return out, report.review.visited_on.isoformat()
