"""Outbox entries and the retry policy: exponential backoff, then failure after a maximum of attempts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from roadmap.domain.due import DueItem


class OutboxStatus(StrEnum):
    """pending -> sent | failed."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class RetryPolicy(BaseModel):
    """First retry after `first_retry_minutes`, doubling each time; failed after `max_attempts`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_retry_minutes: int = Field(default=5, ge=1, le=1440)
    # Ten tries reach about 42 hours after the first (5 min doubling): a mail server down for a day loses nothing,
    # and a server refusing a fifth of messages at random gives up on about one message in ten million.
    max_attempts: int = Field(default=10, ge=1, le=50)

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        """When to try again after `attempts` failed tries."""
        return now + timedelta(minutes=self.first_retry_minutes * 2 ** (attempts - 1))


class OutboxEntry(BaseModel):
    """One reminder as recorded: the item, who is told at which offset (the key's parts), and its delivery state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int | None = None
    key: str
    contact_id: int
    item: DueItem
    offset_days: int
    escalation: bool
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime
    queued_on: date
    sent_at: datetime | None = None
