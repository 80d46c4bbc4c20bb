"""The `smtp` fixture: a real SMTP server on loopback (the demo's sink) that keeps what it receives, parsed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notifications.smtp_sink import SmtpSink


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A running SMTP server, stopped after the test."""
    with SmtpSink() as server:
        yield server
