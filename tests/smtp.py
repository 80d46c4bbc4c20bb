"""The `smtp` fixture: a real SMTP server on loopback (the demo's sink) that keeps what it receives, parsed; and
the parts of a received mail, decoded as a mail program shows them."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import Message

import pytest

from notifications.smtp_sink import SmtpSink


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A running SMTP server, stopped after the test."""
    with SmtpSink() as server:
        yield server


def body(message: Message) -> str:
    """A received mail's HTML part, decoded."""
    return _part(message, "text/html")


def text_part(message: Message) -> str:
    """A received mail's plain-text part, decoded (what a text-only mail program shows)."""
    return _part(message, "text/plain")


def _part(message: Message, kind: str) -> str:
    parts = [part for part in message.walk() if part.get_content_type() == kind]
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()
