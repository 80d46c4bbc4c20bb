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
class _Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        self.received.append(Received(list(envelope.rcpt_tos), email.message_from_bytes(content)))  # type: ignore[attr-defined]
        return "250 OK"


class SmtpSink:
    """`with SmtpSink() as sink:` — sink.url is an apprise mailto:// URL for it; sink.received what arrived."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._handler = _Handler()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        """Where to send: plain SMTP on loopback, no login."""
        return f"mailto://127.0.0.1:{self.port}?from=ips-roadmap@demo.example.org&mode=insecure"

    @property
    def received(self) -> list[Received]:
        """Messages received so far."""
        return self._handler.received

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._controller.stop()
