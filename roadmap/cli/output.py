"""Printing: one JSON document, or Rich renderables to a console sized for humans and pipes alike."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.markup import escape

from roadmap.domain.events import (
    AgencyEnrolled,
    AgencyLaunched,
    ChecklistItemDone,
    Event,
    StageCompleted,
    StageStarted,
)
from roadmap.services.sheets import write_rows

if TYPE_CHECKING:
    from pathlib import Path


def console() -> Console:
    """A console on the current stdout; piped output gets a wide fixed width instead of 80 columns."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return Console()
    return Console(width=160, no_color=True)


def show(*renderables: RenderableType) -> None:
    """Print Rich renderables."""
    out = console()
    for renderable in renderables:
        out.print(renderable)


def print_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def describe(event: Event) -> str:
    """One line a person reads after a change."""
    match event:
        case AgencyEnrolled():
            return f"joined the roadmap on {event.on}"
        case AgencyLaunched():
            return f"launched IPS services on {event.on}"
        case StageStarted():
            return f"stage {event.stage} started on {event.on}"
        case StageCompleted(forced=True):
            return f"stage {event.stage} completed on {event.on} (forced: {event.note})"
        case StageCompleted():
            return f"stage {event.stage} completed on {event.on}"
        case ChecklistItemDone():
            return f"{event.item} done on {event.on}"
    raise AssertionError(f"no description for {event!r}")


def show_events(slug: str, events: tuple[Event, ...]) -> None:
    """Print what a change did, one line per event."""
    out = console()
    for event in events:
        out.print(f"[bold]{slug}[/]: {escape(describe(event))}", highlight=False)


def warn_nobody_to_remind(slugs: list[str]) -> None:
    """One line naming the agencies whose reminders reach nobody there (printed under a table)."""
    if slugs:
        shown = ", ".join(slugs[:10]) + (f" and {len(slugs) - 10} more" if len(slugs) > 10 else "")
        console().print(
            f"[bold yellow]⚠ {_agencies(len(slugs))} nobody to remind[/] (no director or IPS supervisor), so "
            f"their reminders reach no one there until escalated: {escape(shown)}. Add one with "
            "`ips-roadmap contact add SLUG --role director --name ... --email ...`.",
            soft_wrap=True,
        )


def _agencies(count: int) -> str:
    return "1 agency has" if count == 1 else f"{count} agencies have"


def export(targets: list[Path], records: list[dict[str, Any]]) -> None:
    """Write what --json would print to each --csv/--xlsx file, and say so on stderr (stdout stays the table)."""
    for target in targets:
        count = write_rows(target, records)
        print(f"Wrote {count} rows to {target}", file=sys.stderr)
