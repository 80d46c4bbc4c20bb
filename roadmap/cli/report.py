"""`ips-roadmap report fidelity`: the HTML report a state team sends to the agency."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from roadmap.bootstrap import Application
from roadmap.cli.agency import AgencySlug
from roadmap.cli.output import print_json
from roadmap.cli.state import AsOf, JsonFlag, as_of_date, cli_state, option_date
from roadmap.domain.errors import InvalidInput
from roadmap.render import render_fidelity_report
from roadmap.services.fidelity_report import build_report

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
    review_date = option_date(review, "--date") if review else None
    written = write_fidelity_report(app_, agency, out, review_date=review_date, as_of=as_of_date(as_of))
    if json:
        print_json({"agency": agency, "date": written[1], "out": str(out)})
    else:
        print(f"Fidelity report for the review of {written[1]} written to {out}")


def write_fidelity_report(
    app: Application, agency: str, out: Path, *, review_date: date | None, as_of: date
) -> tuple[Path, str]:
    """Render and write the report atomically: a failure leaves no partial file behind."""
    report = build_report(app.uow(), app.scale, app.cadence, agency, review_date=review_date, as_of=as_of)
    html = render_fidelity_report(report)
    target = out.resolve()  # write through a symlink to the file it names, not over the link
    if target.exists() and not target.is_file():
        raise InvalidInput(f"cannot write {out}: it exists and is not a regular file")
    folder = target.parent
    if not folder.is_dir():
        raise InvalidInput(f"cannot write {out}: folder {folder} does not exist")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".html")
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(html)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise InvalidInput(f"cannot write {out}: {error.strerror}") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return out, report.review.visited_on.isoformat()
