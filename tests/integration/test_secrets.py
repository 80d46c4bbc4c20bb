"""No secret reaches what people see: every read command's output (tables and JSON), the reports, calendar files,
the web pages and API, error messages and log records are scanned for the passwords and tokens the state set."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import make_url

from notifications.smtp_sink import SmtpSink
from tests.conftest import Cli
from tests.web import client_for, sign_in, web_app

TODAY = "2026-11-23"
CHANNEL_SECRET = "Chan5ecretTok"
MAIL_SECRET = "MailS3cretPw"
DATABASE_SECRET = "DbS3cretPw"
SECRETS = (CHANNEL_SECRET, MAIL_SECRET, DATABASE_SECRET)

# Every command that reads or reports, as a state team runs them (each also with --json where it has one).
READS: list[tuple[str, ...]] = [
    ("agency", "list"), ("agency", "show", "riverbend-community-mental-health"), ("overview",), ("stages",),
    ("due", "--within", "60"), ("review", "list", "riverbend-community-mental-health"), ("review", "due"),
    ("actions", "list", "riverbend-community-mental-health"), ("contact", "list"), ("notify", "preview"),
    ("outbox", "list"), ("routine", "list"), ("routine", "history"), ("trainer", "list"), ("visits", "list"),
    ("forecast", "--months", "3"), ("outcomes", "list"), ("link", "list"), ("report", "quarter"),
]  # fmt: skip
# Refusals echo what they were given: they must not echo a secret either.
REFUSALS: list[tuple[str, ...]] = [
    ("agency", "show", "no-such-agency"),
    ("contact", "add", "--role", "state-lead", "--name", "Bad", "--notify", f"nosuch://user:{CHANNEL_SECRET}@x"),
    ("contact", "add", "--role", "state-lead", "--name", "Bad", "--notify", f"json://user:{CHANNEL_SECRET}@[::1"),
    ("notify", "test", "999"),
]


def test_no_password_or_token_appears_in_any_output_page_report_or_log(
    bare_cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = bare_cli.url
    if not url.startswith("sqlite"):
        # PostgreSQL here trusts local connections, so a password in the URL is accepted and must stay hidden.
        url = make_url(url).set(password=DATABASE_SECRET).render_as_string(hide_password=False)
    cli = bare_cli.on(url)
    seen: list[str] = []
    with SmtpSink() as smtp:
        # The mail server wants a login the sink does not offer: every email fails, and the failures are shown.
        monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url.replace("127.0.0.1", f"roadmap:{MAIL_SECRET}@127.0.0.1"))
        for step in (
            ("demo", "--as-of", TODAY),
            ("contact", "add", "riverbend-community-mental-health", "--role", "director", "--name", "Dana Cho",
             "--notify", f"json://dana:{CHANNEL_SECRET}@127.0.0.1:9/hook"),
            ("visits", "plan", "--weeks", "2", "--as-of", TODAY),
            ("notify", "flush", "--as-of", TODAY),
            ("notify", "flush", "--as-of", "2026-11-24"),
            ("link", "create", "riverbend-community-mental-health"),
        ):  # fmt: skip
            seen.append(cli.ok(*step).out)
        for args in READS:
            for form in ((), ("--json",)):
                result = cli.ok(*args, *form)
                seen += [result.out, result.err]
        for args in REFUSALS:
            result = cli(*args)
            assert result.code == 2, args
            seen += [result.out, result.err]
        dana = next(c for c in cli.ok("contact", "list", "--json").json() if c["name"] == "Dana Cho")
        seen.append(cli("notify", "test", str(dana["id"])).err)  # the channel is down: its failure, masked
        outbox = cli.ok("outbox", "list", "--json").json()
        assert any(entry["last_error"] for entry in outbox)  # failures really were recorded, and shown
        for args, out in (
            (("report", "fidelity", "riverbend-community-mental-health"), "report.html"),
            (("report", "quarter"), "quarter.html"),
            (("visits", "ics", "--trainer", "Tia Moss"), "visits.ics"),
        ):
            cli.ok(*args, "--out", str(tmp_path / out))
            seen.append((tmp_path / out).read_text())
    cli.ok("user", "add", "lead@state.example", "--name", "Lee Lead", "--role", "admin")
    token = cli.ok("user", "token", "lead@state.example", "--json").json()["token"]
    with web_app(url) as (application, base):
        client = sign_in(client_for(application, base), url, "lead@state.example")
        for path in ("/", "/agencies/riverbend-community-mental-health", "/agencies/riverbend-community-mental-health/report",
                     "/trainers/Tia%20Moss", "/api/agencies", "/api/agencies/riverbend-community-mental-health",
                     "/openapi.json", "/agencies/no-such-agency", "/due"):  # fmt: skip
            seen.append(client.get(path).text)
        seen.append(client_for(application, base).get("/api/agencies", headers={"Authorization": "Bearer wrong"}).text)
        seen += [cli.ok("user", "list").out, cli.ok("user", "tokens", "--json").out, cli.ok("audit", "--json").out]
        session = client.cookies.get("ips_roadmap_session")
    assert session
    # apprise logs the URLs it cannot parse, whole: its records go nowhere (no handler of its own but a null one,
    # and they do not reach the process's logging), which pytest's capture alone gets round.
    apprise_log = logging.getLogger("apprise")
    assert apprise_log.propagate is False
    seen += [record.getMessage() for record in caplog.records if not record.name.startswith("apprise")]
    everything = "\n".join(seen)
    assert "Dana Cho" in everything and "json://dana:****@127.0.0.1" in everything.replace("%2A", "*")
    for secret in (*SECRETS, token, session):
        if secret == DATABASE_SECRET and url.startswith("sqlite"):
            continue
        assert secret not in everything, secret
