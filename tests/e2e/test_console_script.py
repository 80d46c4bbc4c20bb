"""The installed `ips-roadmap` command as a user runs it: exit codes, one-line errors, masked secrets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.conftest import postgres_url_with_password

EXECUTABLE = shutil.which("ips-roadmap", path=str(Path(sys.executable).parent)) or "ips-roadmap"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IPS_ROADMAP_")} | (env or {})
    return subprocess.run(
        [EXECUTABLE, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_then_list_use_the_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    demo = run("demo", "--as-of", "2026-11-23", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "ips-roadmap.db").exists()
    listed = run("agency", "list", "--json", cwd=tmp_path)
    assert len(json.loads(listed.stdout)) == 12
    assert demo.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("agency", "show"), "Missing argument 'AGENCY'"),
        (("agency", "frobnicate"), "No such command 'frobnicate'"),
        (("agency", "list", "--as-of", "2026-02-30"), "'2026-02-30' is not a real calendar date"),
        (("agency", "list"), "no database at ips-roadmap.db: run `ips-roadmap init` first"),
        (("stages", "readines"), "did you mean 'readiness'?"),
    ],
)
def test_bad_input_gets_one_line_naming_the_problem_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "ips-roadmap.db").exists()


def test_a_database_password_never_appears_in_an_error(tmp_path: Path) -> None:
    url = postgres_url_with_password("S3cret-Pa55").set(port=1)
    for args, env in (
        (("--database-url", url.render_as_string(hide_password=False), "agency", "list"), None),
        (("agency", "list"), {"IPS_ROADMAP_DATABASE_URL": url.render_as_string(hide_password=False)}),
        (("init",), {"IPS_ROADMAP_DATABASE_URL": "mysql://admin:S3cret-Pa55@db.example/state"}),
    ):
        result = run(*args, cwd=tmp_path, env=env)
        assert result.returncode == 2
        assert "S3cret-Pa55" not in result.stdout + result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
    assert (
        "***" in run("agency", "list", "--database-url", url.render_as_string(hide_password=False), cwd=tmp_path).stderr
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://u:S3cret-Pa55@127.0.0.1:notaport/x", "not a valid SQLAlchemy URL"),
        ("postgresql+psycopg2://u:S3cret-Pa55@127.0.0.1/x", "must be a sqlite:/// or postgresql+psycopg:// URL"),
        ("postgresql+psycopg://u@127.0.0.1:1/x?password=S3cret-Pa55", "password=redacted"),
    ],
)
def test_odd_database_urls_get_one_line_without_the_secret(tmp_path: Path, url: str, message: str) -> None:
    result = run("--database-url", url, "init", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "S3cret-Pa55" not in result.stdout + result.stderr


def test_a_command_group_alone_prints_its_help_and_no_empty_error(tmp_path: Path) -> None:
    result = run("agency", cwd=tmp_path)
    assert "Usage" in result.stdout + result.stderr
    assert "error:" not in result.stderr


def test_init_on_postgresql_reports_the_database_without_its_password(tmp_path: Path, postgres_database: str) -> None:
    url = make_url(postgres_database).set(password="S3cret-Pa55").render_as_string(hide_password=False)
    result = run("init", "--json", cwd=tmp_path, env={"IPS_ROADMAP_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert "S3cret-Pa55" not in result.stdout
    assert document["database"].startswith("postgresql+psycopg://postgres:***@")
