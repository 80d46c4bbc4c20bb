"""The root command lists every subcommand without importing it, and what it lists is what each one says."""

from __future__ import annotations

import subprocess
import sys

from roadmap.cli.commands import COMMANDS, load


def test_each_subcommand_is_listed_with_the_summary_it_states_itself() -> None:
    # The root's help prints COMMANDS' summaries; `ips-roadmap NAME --help` prints the command's own.
    for name, entry in COMMANDS.items():
        command = load(name)
        assert command.name == name
        assert command.get_short_help_str(limit=300) == entry.summary, name


def test_help_and_version_start_without_the_storage_layer_or_any_subcommand() -> None:
    # What `ips-roadmap --help` costs is Python, Typer and Rich: no database code, no subcommand module.
    probe = (
        "import sys, contextlib, io\n"
        "from roadmap.cli.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    main(['--help']); main(['--version'])\n"
        "assert 'agency' in out.getvalue() and 'ips-roadmap 0.' in out.getvalue()\n"
        "heavy = ('sqlalchemy', 'alembic', 'roadmap.store', 'roadmap.services', 'roadmap.render', 'jinja2',\n"
        "         'apprise', 'prefect', 'fastapi', 'roadmap.cli.agency', 'roadmap.cli.visits')\n"
        "print(sorted({m.split('.')[0] if not m.startswith('roadmap') else m for m in sys.modules\n"
        "              if m.startswith(heavy)}))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
