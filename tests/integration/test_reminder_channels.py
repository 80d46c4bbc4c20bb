"""Reminders on a second real transport: apprise's json:// posting to an HTTP endpoint on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from notifications.smtp_sink import MailKeeper, SmtpSink
from tests.conftest import Cli
from tests.integration.demo_state import demo_without_contacts

TODAY = "2026-11-23"


class Hook(BaseHTTPRequestHandler):
    """Records every JSON body posted to it."""

    received: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def hook() -> Iterator[str]:
    Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_port}/ips-hook"
    server.shutdown()
    server.server_close()


def test_a_contact_s_json_channel_receives_the_digest_as_plain_text(bare_cli: Cli, hook: str) -> None:
    demo_without_contacts(bare_cli, TODAY)
    bare_cli.ok("contact", "add", "prairie-hills-counseling-center", "--role", "director", "--name", "Ruth Okafor",
                "--notify", hook)  # fmt: skip
    result = bare_cli.ok("notify", "flush", "--as-of", TODAY, "--json").json()
    assert result["sent"] == 1
    assert len(Hook.received) == 1
    posted = Hook.received[0]
    assert posted["title"] == "IPS roadmap: Fidelity review for Prairie Hills Counseling Center, 16 days overdue"
    assert "Hello Ruth Okafor," in str(posted["message"]) and "<" not in str(posted["message"])


def test_notify_test_sends_one_message_and_reports_a_dead_channel(bare_cli: Cli, hook: str) -> None:
    bare_cli.ok("init")
    bare_cli.ok("agency", "add", "Riverbend", "--region", "N", "--timezone", "UTC")
    contact = bare_cli.ok("contact", "add", "riverbend", "--role", "director", "--name", "Maria",
                          "--notify", hook, "--json").json()["id"]  # fmt: skip
    sent = bare_cli.ok("notify", "test", str(contact))
    assert "Test message sent to Maria." in sent.out
    assert Hook.received[-1]["title"] == "IPS roadmap: test message"
    dead = bare_cli.ok("contact", "add", "riverbend", "--role", "other", "--name", "Nobody",
                       "--notify", "json://127.0.0.1:9/nowhere?token=HookSecret", "--json").json()["id"]  # fmt: skip
    failed = bare_cli("notify", "test", str(dead))
    assert failed.code == 2
    assert "was not delivered: json://127.0.0.1:9/nowhere did not accept the message" in failed.err
    assert "HookSecret" not in failed.err + failed.out


class Greylisting(MailKeeper):
    """A mail server that refuses every message for now, as a greylisting server does."""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        return "451 4.7.1 Greylisted, please try again in 5 minutes"


def test_notify_test_prints_what_the_mail_server_answered(bare_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    bare_cli.ok("init")
    bare_cli.ok("agency", "add", "Riverbend", "--region", "N", "--timezone", "UTC")
    contact = bare_cli.ok("contact", "add", "riverbend", "--role", "director", "--name", "Maria",
                          "--email", "maria@riverbend.example", "--json").json()["id"]  # fmt: skip
    with SmtpSink() as accepting:
        monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", accepting.url)
        sent = bare_cli.ok("notify", "test", str(contact))
    assert "server: Sent Email to maria@riverbend.example" in sent.out and "Test message sent to Maria." in sent.out
    with SmtpSink(Greylisting()) as refusing:
        monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", refusing.url)
        failed = bare_cli("notify", "test", str(contact))
        assert failed.code == 2 and failed.err.count("\n") == 1 and "was not delivered" in failed.err
        assert "451" in failed.out and "Greylisted, please try again in 5 minutes" in failed.out
        # A login the server does not offer: said so, and the password never printed.
        monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", refusing.url + "&user=ips&pass=MailSecret")
        login = bare_cli("notify", "test", str(contact))
    assert login.code == 2 and "SMTP AUTH extension not supported by server" in login.out
    assert "MailSecret" not in login.out + login.err
