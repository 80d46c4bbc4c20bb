"""`ips-roadmap export` and `ips-roadmap import-all`: a whole state to one JSON file and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from roadmap.cli.output import print_json, show
from roadmap.cli.state import JsonFlag, cli_state
from roadmap.services.backup import export_state, import_state


def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", metavar="FILE.json", help="Where to write the backup.")],
    json: JsonFlag = False,
) -> None:
    """Write every table of the state to one JSON file (owner-only: it holds channel URLs and the link key)."""
    counts = export_state(cli_state(ctx).app.uow(), out)
    _report(counts, json, f"Backup written to {out}")


def import_all(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="FILE.json", help="A file `ips-roadmap export` wrote.")],
    json: JsonFlag = False,
) -> None:
    """Restore a whole state from `export` into a new, empty database: all of it, or nothing."""
    counts = import_state(cli_state(ctx).app.uow(), source)
    _report(counts, json, f"State restored from {source}")


def _report(counts: dict[str, int], json: bool, line: str) -> None:
    if json:
        print_json({"tables": counts, "rows": sum(counts.values())})
        return
    print(f"{line}: {sum(counts.values()):,} rows.")
    table = Table()
    table.add_column("Table")
    table.add_column("Rows", justify="right")
    for name, rows in counts.items():
        table.add_row(name, f"{rows:,}")
    show(table)
