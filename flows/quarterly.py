"""The quarterly cycle: a month into each quarter, the state's summary of the quarter before.

It lists, per agency, the stages completed, reviews held, meetings and visits kept and whether the outcome
report came in (they are due 30 days after the quarter ends by default, and reminded by the daily sweep), and
writes it as HTML and JSON under the data directory's reports/ folder.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows.runtime import application
from roadmap.render import render_quarter_report, write_atomically
from roadmap.services.quarter import parse_quarter, quarter_summary
from roadmap.services.views import quarter_view


@flow(name="quarterly-summary", log_prints=False)
def quarterly_summary(as_of: date | None = None) -> dict[str, Any]:
    """Summarise the last quarter that ended before as_of (default: today in the state's timezone)."""
    with application() as app:
        day, _ = app.settings.schedule.run_for(as_of, datetime.now(UTC))
        summary = quarter_summary(app.uow(), app.roadmap, app.cadence, quarter=parse_quarter(None, day), as_of=day)
        folder = (app.settings.data_dir / "reports").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        page, document = folder / f"quarter-{summary.quarter}.html", folder / f"quarter-{summary.quarter}.json"
        view = quarter_view(summary)
        write_atomically(page, render_quarter_report(summary))
        write_atomically(document, json.dumps(view, indent=2) + "\n")
    get_run_logger().info("quarter %s summarised in %s", summary.quarter, page)
    return {"quarter": summary.quarter, "as_of": day.isoformat(), **view["totals"], "html": str(page),
            "json": str(document), "flow_run_id": str(flow_run.get_id())}  # fmt: skip
