"""Rich tables for trainers, visit plans and the workload forecast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType

    from roadmap.domain.planner import Unmet
    from roadmap.domain.trainer import Trainer
    from roadmap.domain.visit import Visit
    from roadmap.domain.workload import Forecast


def trainers_table(trainers: Sequence[Trainer]) -> RenderableType:
    """Every trainer: region, capacity, roles, agencies."""
    if not trainers:
        return Text("No trainers yet: ips-roadmap trainer add NAME --region REGION --capacity DAYS_PER_WEEK")
    table = Table(title=f"{len(trainers)} trainers", title_justify="left")
    for column in ("Name", "Region", "Days/week", "Roles", "Email", "Agencies"):
        table.add_column(column, justify="right" if column == "Days/week" else "left")
    for trainer in trainers:
        table.add_row(
            escape(trainer.name),
            escape(trainer.region),
            str(trainer.capacity),
            trainer.roles,
            trainer.email or "",
            ", ".join(trainer.agencies) or "—",
        )
    return table


def visits_table(visits: Sequence[Visit], title: str) -> RenderableType:
    """Visits, soonest first: id, day(s), who, where, what (the routine key), due by, status."""
    if not visits:
        return Text("No visits booked: ips-roadmap visits plan --weeks 4")
    table = Table(title=title, title_justify="left")
    for column in ("ID", "Date", "Days", "Trainer(s)", "Agency", "Region", "Purpose", "Due by", "Status"):
        keep_whole = column in ("Date", "Agency", "Purpose", "Due by")
        table.add_column(column, justify="right" if column in ("ID", "Days") else "left", no_wrap=keep_whole)
    for visit in visits:
        table.add_row(
            str(visit.id),
            f"{visit.on:%a %Y-%m-%d}",
            str(visit.days),
            escape(", ".join(visit.trainers)),
            visit.where,
            escape(visit.region),
            visit.purpose,
            visit.due_on.isoformat(),
            visit.status.value,
        )
    return table


def unmet_table(unmet: Sequence[Unmet]) -> RenderableType:
    """Needs the plan could not fit, with the reason."""
    if not unmet:
        return Text("Every need in these weeks is booked.")
    table = Table(title=f"{len(unmet)} needs not booked", title_justify="left")
    for column in ("Due", "Agency", "Purpose", "Reason"):
        table.add_column(column, no_wrap=column == "Due")
    for need in unmet:
        table.add_row(need.due_on.isoformat(), need.agency or "statewide", need.purpose, escape(need.reason))
    return table


def forecast_table(forecast: Forecast) -> RenderableType:
    """Months down, trainers across: visit days needed / available; a month over capacity in bold red."""
    if not forecast.rows:
        return Text("No trainers and no visit needs yet.")
    table = Table(title="Visit days needed / available per month", title_justify="left")
    table.add_column("Month", no_wrap=True)
    for name in forecast.rows:
        table.add_column(escape(name), justify="right")
    for index, month in enumerate(forecast.months):
        cells = []
        for loads in forecast.rows.values():
            load = loads[index]
            cell = f"{load.needed:g}/{load.capacity:g}"
            cells.append(f"[bold red]{cell}[/]" if load.needed > load.capacity else cell)
        table.add_row(month, *cells)
    return table
