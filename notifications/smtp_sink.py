"""A mail server on loopback that keeps what it receives: the demo's reminders go here, never to real people."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import Message
from types import TracebackType
from typing import Self

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the sink got it."""

    recipients: list[str]
    message: Message


@dataclass
class MailKeeper:
    """The sink's aiosmtpd handler: accepts every message and keeps it (subclass it to play another server)."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        self.received.append(Received(list(envelope.rcpt_tos), email.message_from_bytes(content)))  # type: ignore[attr-defined]
        return "250 OK"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    """`with SmtpSink() as sink:` — sink.url is an apprise mailto:// URL for it; sink.received what arrived.

    It can be stopped and started again on the same port, to play a mail server that is down for a while.
    """

    def __init__(self, handler: MailKeeper | None = None) -> None:
        self.port = free_port()
        self._handler = handler or MailKeeper()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """Where to send: plain SMTP on loopback, no login."""
        return f"mailto://127.0.0.1:{self.port}?from=ips-roadmap@demo.example.org&mode=insecure"

    @property
    def received(self) -> list[Received]:
        """Messages received so far."""
        return self._handler.received

    def to(self, address: str) -> list[Message]:
        """The messages received for one address."""
        return [got.message for got in self._handler.received if address in got.recipients]

    def start(self) -> None:
        """Listen (again) on the sink's port."""
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening; what was received stays."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
