"""The root command's subcommands, each imported only when it is run (or its own help is asked for).

Importing every command module took most of a second before `ips-roadmap --help` printed anything: each one
pulls in its use cases, the storage layer, the renderers. The root's help lists the summaries written here; a
test holds each to the one its command states, so they cannot drift apart.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup


class Entry(NamedTuple):
    """Where a subcommand lives (module, attribute: a Typer app or a command function) and its summary."""

    module: str
    attribute: str
    summary: str


# In the order the root's help lists them (commands, then groups, as Typer lays them out).
COMMANDS: dict[str, Entry] = {
    "init": Entry("roadmap.cli.catalog", "init", "Create or upgrade the database schema; safe to run again."),
    "export": Entry(
        "roadmap.cli.backup",
        "export",
        "Write every table of the state to one JSON file (owner-only: it holds channel URLs and the link key).",
    ),
    "import-all": Entry(
        "roadmap.cli.backup",
        "import_all",
        "Restore a whole state from `export` into a new, empty database: all of it, or nothing.",
    ),
    "audit": Entry(
        "roadmap.cli.audit",
        "audit",
        "Every change to agencies, stages, checklists, reviews, scores, action plans, outcomes, contacts and rules.",
    ),
    "stages": Entry(
        "roadmap.cli.catalog",
        "stages",
        "The roadmap's ten stages; with a STAGE_KEY, its checklist keys, tools and leader questions.",
    ),
    "overview": Entry("roadmap.cli.demo", "overview", "Every agency against the ten stages."),
    "due": Entry(
        "roadmap.cli.due",
        "due",
        "Everything overdue or due within DAYS: reviews, action-plan steps, checklist items past their stage norm.",
    ),
    "forecast": Entry(
        "roadmap.cli.visits",
        "forecast",
        "Visit days each trainer is needed for, month by month, against their capacity.",
    ),
    "web": Entry(
        "roadmap.cli.web",
        "web",
        "Serve the state overview, agency pages and the JSON API (/api/agencies; schema at /openapi.json).",
    ),
    "demo": Entry(
        "roadmap.cli.demo",
        "demo",
        "Build a realistic demo state (a dozen agencies) in a fresh database and print the overview.",
    ),
    "simulate": Entry(
        "roadmap.cli.demo",
        "simulate",
        "Play a year of the demo state in a scratch database: agencies work, the sweep runs, month by month.",
    ),
    "advance": Entry(
        "roadmap.cli.flows",
        "advance",
        "Run one agency's progression now: start ready stages, flag a stall, queue its reminders.",
    ),
    "sweep": Entry(
        "roadmap.cli.flows",
        "sweep",
        "Run the daily sweep now as a Prefect flow run: every agency, then delivery of pending reminders.",
    ),
    "serve": Entry(
        "roadmap.cli.flows",
        "serve",
        "Serve the daily sweep and the quarterly summary on their schedules until interrupted (needs PREFECT_API_URL).",
    ),
    "deploy": Entry(
        "roadmap.cli.flows",
        "deploy",
        "Register the daily sweep and the quarterly summary on a Prefect work pool (needs PREFECT_API_URL).",
    ),
    "agency": Entry("roadmap.cli.agency", "app", "Add agencies, list them, show one, record a launch."),
    "checklist": Entry("roadmap.cli.progress", "checklist_app", "Mark checklist items done."),
    "stage": Entry("roadmap.cli.progress", "stage_app", "Complete gate stages."),
    "import": Entry("roadmap.cli.bulk", "app", "Bulk imports."),
    "review": Entry("roadmap.cli.reviews", "review_app", "Record fidelity reviews, list them, see which are due."),
    "actions": Entry(
        "roadmap.cli.reviews", "actions_app", "The fidelity action plan: list, assign, edit and close steps."
    ),
    "report": Entry("roadmap.cli.report", "app", "Reports for agencies and the state team."),
    "contact": Entry("roadmap.cli.contacts", "app", "Agency and state contacts who receive reminders."),
    "routine": Entry("roadmap.cli.routines", "app", "Recurring meetings, trainer visits and quarterly reports."),
    "trainer": Entry(
        "roadmap.cli.trainers",
        "app",
        "State trainers and reviewers: region, visit days a week, assigned agencies.",
    ),
    "visits": Entry(
        "roadmap.cli.visits",
        "app",
        "Trainers' site visits: plan the coming weeks, record them done, export calendars.",
    ),
    "outcomes": Entry(
        "roadmap.cli.outcomes", "app", "Quarterly outcomes: clients served and working, against the benchmarks."
    ),
    "link": Entry("roadmap.cli.links", "app", "Personal links to one agency's pages (expiring, revocable)."),
    "user": Entry("roadmap.cli.users", "app", "People who sign in to the web app: roles, regions, personal tokens."),
    "notify": Entry("roadmap.cli.notify", "app", "Reminders to agency leaders and the state team."),
    "outbox": Entry("roadmap.cli.notify", "outbox_app", "Reminders written before sending, and their delivery state."),
}


def load(name: str) -> click.Command:
    """The subcommand as Typer builds it, its module imported now."""
    entry = COMMANDS[name]
    found = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(found, typer.Typer):
        command: click.Command = typer.main.get_group(found)
    else:
        single = typer.Typer()
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyCommands(TyperGroup):
    """The root group: lists every subcommand by its summary, imports one only to run it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # Stand-ins carrying each summary: what the root's help lists and typo suggestions are drawn from.
        self.commands = {name: TyperCommand(name=name, help=entry.summary) for name, entry in COMMANDS.items()}
        self._loaded: dict[str, click.Command] = {}
        self._listing = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:  # the root's help: a summary is all it shows
            return self.commands[cmd_name]
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load(cmd_name)
        return self._loaded[cmd_name]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
