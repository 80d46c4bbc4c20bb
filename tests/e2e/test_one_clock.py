"""One clock: at 02:44 UTC the machine's date is already tomorrow for a Chicago state; every command agrees it is not.

The commands run as a user runs them, under Debian's `faketime` (which `make test` installs), so the machine's
own clock says 02:44 UTC on 6 December 2026 while it is still the evening of the 5th in Chicago.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from notifications.smtp_sink import SmtpSink, free_port
from tests.e2e.test_console_script import EXECUTABLE

MACHINE_TIME = "2026-12-06 02:44:00"  # UTC: the machine's date is the 6th
STATE_DAY = "2026-12-05"  # America/Chicago: 20:44 on the 5th


def run_at(*args: str, url: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`ips-roadmap --database-url URL ARGS` with the machine's clock at 02:44 UTC."""
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail("Debian's faketime is not installed: run `make test`, which installs it")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("IPS_ROADMAP_")}
    environment |= {"TZ": "UTC", "IPS_ROADMAP_SCHEDULE__TIMEZONE": "America/Chicago"} | (env or {})
    return subprocess.run(
        [faketime, MACHINE_TIME, EXECUTABLE, "--database-url", url, *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def ok(*args: str, url: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = run_at(*args, url=url, cwd=cwd, env=env)
    assert done.returncode == 0, f"{args}: {done.stderr}"
    return done.stdout


def test_commands_pages_and_the_flush_agree_on_the_state_s_date(database_url: str, tmp_path: Path) -> None:
    ok("init", url=database_url, cwd=tmp_path)
    # Two agencies whose readiness checklist falls due 60 days after joining: the 7-day reminder of one comes on
    # the state's today (the 5th), the other's on the machine's (the 6th).
    for name, joined in (("Red River Community Services", "2026-10-13"), ("Lone Pine Clinic", "2026-10-14")):
        ok("agency", "add", name, "--region", "North", "--timezone", "America/Chicago", "--joined", joined,
           url=database_url, cwd=tmp_path)  # fmt: skip
        slug = name.lower().replace(" ", "-")
        ok("contact", "add", slug, "--role", "director", "--name", "Dana", "--email", f"dana@{slug}.example",
           url=database_url, cwd=tmp_path)  # fmt: skip
    # Added this evening: it joins today, the 5th, and is today's agency for every command.
    ok("agency", "add", "Evening Agency", "--region", "North", "--timezone", "America/Chicago",
       url=database_url, cwd=tmp_path)  # fmt: skip
    evening = json.loads(ok("agency", "show", "evening-agency", "--json", url=database_url, cwd=tmp_path))
    assert evening["joined_on"] == STATE_DAY and evening["as_of"] == STATE_DAY
    assert evening["current_stage"] == "readiness"

    preview = json.loads(ok("notify", "preview", "--json", url=database_url, cwd=tmp_path))
    # Six readiness items of Red River, a week before they fall due; none yet of Lone Pine (a week ahead tomorrow).
    assert {(line["agency"], line["when"]) for line in preview} == {("red-river-community-services", "due in 7 days")}
    assert len(preview) == 6
    due = json.loads(ok("due", "--within", "7", "--json", url=database_url, cwd=tmp_path))
    assert {(line["agency"], line["due_on"], line["days_until"]) for line in due} == {
        ("red-river-community-services", "2026-12-12", 7)
    }
    with SmtpSink() as sink:
        flushed = json.loads(
            ok("notify", "flush", "--json", url=database_url, cwd=tmp_path, env={"IPS_ROADMAP_MAIL_URL": sink.url})
        )
        assert flushed["as_of"] == STATE_DAY and flushed["queued"] == len(preview)
        assert [recipient for mail in sink.received for recipient in mail.recipients] == [
            "dana@red-river-community-services.example"
        ]
    # The web pages count from the same day (read by a viewer's script, with their token).
    ok(
        "user",
        "add",
        "analyst@state.example",
        "--name",
        "Ana Lytic",
        "--role",
        "viewer",
        url=database_url,
        cwd=tmp_path,
    )
    token = json.loads(ok("user", "token", "analyst@state.example", "--json", url=database_url, cwd=tmp_path))["token"]
    port = free_port()
    server = subprocess.Popen(
        [shutil.which("faketime") or "faketime", MACHINE_TIME, EXECUTABLE, "--database-url", database_url, "web", "--port", str(port)],
        cwd=tmp_path, env={k: v for k, v in os.environ.items() if not k.startswith("IPS_ROADMAP_")}
        | {"TZ": "UTC", "IPS_ROADMAP_SCHEDULE__TIMEZONE": "America/Chicago"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        page = _get(f"http://127.0.0.1:{port}/api/agencies/evening-agency", token)
        assert page["as_of"] == STATE_DAY and page["current_stage"] == "readiness"
    finally:
        # faketime runs the app as its child: the whole group goes, or the app would outlive the test.
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _get(url: str, token: str) -> dict[str, object]:
    """The JSON at a URL, once the app answers (it takes a few seconds to start)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=5) as response:
                document = json.loads(response.read())
                assert isinstance(document, dict)
                return document
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
