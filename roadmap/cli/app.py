"""The root command, its global options, and the one place errors become messages and exit codes."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from roadmap import __version__
from roadmap.cli.commands import LazyCommands
from roadmap.cli.state import CliState
from roadmap.domain.errors import RoadmapError

EXIT_REFUSED = 2

app = typer.Typer(
    name="ips-roadmap",
    help="Track every agency's progress along the IPS supported-employment implementation roadmap.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyCommands,  # each subcommand is imported when it runs (roadmap/cli/commands.py)
)


def _version(value: bool) -> None:
    if value:
        print(f"ips-roadmap {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help="Database to use (default: IPS_ROADMAP_DATABASE_URL, else sqlite:///ips-roadmap.db).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Track every agency's progress along the IPS supported-employment implementation roadmap."""
    state = CliState(database_url)
    ctx.obj = state
    ctx.call_on_close(state.close)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; refusals print one line on stderr and exit 2, never a traceback."""
    # Everything a command creates (the SQLite database, Prefect's, exports, backups, calendars) is its owner's
    # alone: the database holds the key that signs agency links.
    os.umask(0o077)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            # A terminal or pipe that cannot show a name's accents gets escapes, not a crash.
            stream.reconfigure(errors="backslashreplace")
    command = typer.main.get_command(app)
    args = _global_options_first(sys.argv[1:] if argv is None else argv)
    try:
        result = command.main(args=args, prog_name="ips-roadmap", standalone_mode=False)
    except RoadmapError as error:
        return _fail(str(error), EXIT_REFUSED)
    except typer.Abort:
        return _fail("aborted", 1)
    except typer.TyperException as error:
        # Usage errors (missing argument, unknown option or command) from Typer's bundled click.
        message = error.format_message() if hasattr(error, "format_message") else str(error)
        return _fail(message, EXIT_REFUSED)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    return result if isinstance(result, int) else 0


def _global_options_first(args: list[str]) -> list[str]:
    """Accept `--database-url URL` anywhere before `--`, as users type it after the subcommand too."""
    moved: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg == "--database-url" and index + 1 < len(args):
            moved += args[index : index + 2]
            index += 2
            continue
        if arg.startswith("--database-url="):
            moved.append(arg)
        else:
            rest.append(arg)
        index += 1
    return moved + rest


def _fail(message: str, code: int) -> int:
    text = " ".join(message.split())
    if text:  # a bare group (`ips-roadmap agency`) has printed its help already
        sys.stderr.write(f"ips-roadmap: error: {text}\n")
    return code


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
