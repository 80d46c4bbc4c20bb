"""What every command shares: the lazily built application, today's date, common options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from roadmap.domain.dates import parse_iso_date
from roadmap.domain.errors import InvalidInput

if TYPE_CHECKING:
    from roadmap.bootstrap import Application
    from roadmap.settings import Settings

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout instead of a table.")]
AsOf = Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Run as if today were DATE (YYYY-MM-DD).")]
QuarterOption = Annotated[
    str | None,
    typer.Option("--quarter", metavar="YYYYQN", help="A calendar quarter, e.g. 2026Q4 (default: the last ended)."),
]
OnDate = Annotated[str, typer.Option("--on", metavar="DATE", help="The date it happened (YYYY-MM-DD).")]


@dataclass
class CliState:
    """Built once per invocation from the global options; the database opens on first use."""

    database_url: str | None
    _app: Application | None = field(default=None, init=False)
    _settings: Settings | None = field(default=None, init=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            # Imported on first use, as the application below: `--help` and `--version` need neither.
            from roadmap.settings import load_settings

            self._settings = load_settings(self.database_url)
        return self._settings

    @property
    def app(self) -> Application:
        if self._app is None:
            from roadmap.bootstrap import build

            self._app = build(self.settings)
        return self._app

    def today(self, as_of: str | None) -> date:
        """The --as-of date, or the one clock every command, page, sweep and flush shares: today in the state's
        timezone (IPS_ROADMAP_SCHEDULE__TIMEZONE), whatever the machine's own date is."""
        # An empty --as-of "" (a blank variable in a script) is refused, not taken as today.
        if as_of is not None:
            return parse_iso_date(as_of, "--as-of")
        return self.settings.schedule.run_for(None, datetime.now(UTC))[0]

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


def cli_state(ctx: typer.Context) -> CliState:
    """The state the root callback stored on the context."""
    state = ctx.find_root().obj
    assert isinstance(state, CliState)
    return state


def as_of_or_none(text: str | None) -> date | None:
    """The --as-of date, or None: the command then decides what today is (the state's date, for runs)."""
    return optional_date(text, "--as-of")


def option_date(text: str, option: str) -> date:
    """A date given to an option, checked strictly."""
    return parse_iso_date(text, option)


def optional_date(text: str | None, option: str) -> date | None:
    """A date option's value, or None when the option was not given at all (an empty one is refused)."""
    return parse_iso_date(text, option) if text is not None else None


CsvFile = Annotated[
    Path | None, typer.Option("--csv", metavar="FILE", help="Also write the rows to a CSV file (UTF-8, for Excel).")
]
XlsxFile = Annotated[
    Path | None, typer.Option("--xlsx", metavar="FILE", help="Also write the rows to an Excel workbook.")
]


def export_targets(csv: Path | None, xlsx: Path | None) -> list[Path]:
    """The checked files --csv and --xlsx write to (refused in one line before anything runs)."""
    from roadmap.render import check_writable

    targets = []
    for out, suffix in ((csv, ".csv"), (xlsx, ".xlsx")):
        if out is not None:
            if out.suffix.lower() != suffix:
                raise InvalidInput(f"--{suffix[1:]} {out}: give a file ending in {suffix}")
            targets.append(check_writable(out))
    return targets
