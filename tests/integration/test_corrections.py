"""Correcting records through the CLI, on SQLite and PostgreSQL: edit, archive and remove an agency, audited."""

from __future__ import annotations

import pytest

from notifications.smtp_sink import SmtpSink
from tests.conftest import Cli, snapshot

TODAY = "2026-11-23"
LATER = "2026-11-30"
PRAIRIE = "prairie-hills-counseling-center"


def test_an_agency_s_name_region_and_timezone_are_corrected_and_audited(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    edited = bare_cli.ok("agency", "edit", PRAIRIE, "--name", "Prairie Hills Behavioral Health", "--region", "North",
                         "--timezone", "America/Denver", "--json").json()  # fmt: skip
    assert edited == {"agency": PRAIRIE, "name": "Prairie Hills Behavioral Health", "region": "North",
                      "timezone": "America/Denver"}  # fmt: skip
    shown = bare_cli.ok("agency", "show", PRAIRIE, "--json", "--as-of", TODAY).json()
    assert (shown["name"], shown["region"], shown["timezone"]) == (
        "Prairie Hills Behavioral Health", "North", "America/Denver"
    )  # fmt: skip
    [entry] = [e for e in bare_cli.ok("audit", PRAIRIE, "--json").json() if e["action"] == "changed"]
    assert entry["before"]["name"] == "Prairie Hills Counseling Center"
    assert entry["after"]["name"] == "Prairie Hills Behavioral Health" and entry["via"] == "cli"
    before = snapshot(bare_cli.url)
    for args, message in (
        (("--timezone", "Mountain Time"), "timezone: 'Mountain Time' is not an IANA timezone"),
        ((), "nothing to change"),
        (("--region", "North"), "already has those values"),
    ):
        refused = bare_cli("agency", "edit", PRAIRIE, *args)
        assert refused.code == 2 and message in refused.err and refused.err.count("\n") == 1
    assert snapshot(bare_cli.url) == before


def test_an_archived_agency_gets_nothing_from_the_next_sweep_and_keeps_its_history(
    bare_cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    archived = bare_cli.ok("agency", "archive", PRAIRIE, "--on", TODAY, "--reason", "Program closed in November",
                           "--as-of", TODAY, "--json").json()  # fmt: skip
    assert archived["archived_on"] == TODAY
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    flushed = bare_cli.ok("notify", "flush", "--as-of", LATER, "--json").json()
    assert flushed["sent"] > 0  # other agencies still get theirs
    assert smtp.to("director@prairie.example.org") == smtp.to("ips@prairie.example.org") == []
    mail = " ".join(m.message["Subject"] for m in smtp.received)
    assert "Prairie Hills" not in mail
    assert PRAIRIE not in {a["slug"] for a in bare_cli.ok("agency", "list", "--json", "--as-of", LATER).json()}
    assert PRAIRIE not in {r["agency"] for r in bare_cli.ok("review", "due", "--json", "--as-of", LATER).json()}
    assert PRAIRIE not in {i["agency"] for i in bare_cli.ok("due", "--json", "--as-of", LATER).json()}
    [gone] = bare_cli.ok("agency", "list", "--archived", "--json", "--as-of", LATER).json()
    assert (gone["slug"], gone["archive_reason"]) == (PRAIRIE, "Program closed in November")
    # Its history stays: the page, the trail, and the overview of a day before it left.
    assert bare_cli.ok("agency", "show", PRAIRIE, "--json", "--as-of", LATER).json()["launched_on"]
    assert PRAIRIE in {a["slug"] for a in bare_cli.ok("agency", "list", "--json", "--as-of", "2026-11-22").json()}
    planned = bare_cli.ok("visits", "plan", "--weeks", "4", "--as-of", LATER, "--json").json()
    assert PRAIRIE not in {visit["agency"] for visit in planned["visits"]}


def test_an_agency_added_by_mistake_is_removed_but_one_with_records_is_pointed_to_archive(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    bare_cli.ok("agency", "add", "Typo Agncy", "--region", "North", "--timezone", "UTC", "--as-of", TODAY)
    bare_cli.ok("contact", "add", "typo-agncy", "--role", "director", "--name", "Pat", "--email", "pat@typo.example")
    assert bare_cli.ok("agency", "remove", "typo-agncy", "--json").json() == {"removed": "typo-agncy"}
    assert "typo-agncy" not in {a["slug"] for a in bare_cli.ok("agency", "list", "--json").json()}
    assert "pat@typo.example" not in bare_cli.ok("contact", "list").out
    assert [e["action"] for e in bare_cli.ok("audit", "typo-agncy", "--json").json()][-1] == "removed"
    before = snapshot(bare_cli.url)
    refused = bare_cli("agency", "remove", PRAIRIE)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "has records (" in refused.err and f"ips-roadmap agency archive {PRAIRIE}" in refused.err
    assert snapshot(bare_cli.url) == before
