"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, parsed, for tests to read."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message as MailMessage

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Collects what the SMTP server receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], MailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> list[MailMessage]:
        return [message for recipients, message in self.messages if address in recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def mail_url(self) -> str:
        """The apprise URL of this server, as IPS_ROADMAP_MAIL_URL takes it."""
        return f"mailto://127.0.0.1:{self.port}?from=roadmap@state.example&mode=insecure"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running SMTP server, stopped after the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
