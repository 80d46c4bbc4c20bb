"""Outbox entries and the retry policy: exponential backoff, then failure after a maximum of attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

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


@dataclass(frozen=True)
class Waiting:
    """A ready entry as delivery first reads it: enough to order a digest and record the attempt's outcome.

    A person's full entries are read only for the lines their message lists: a state lead's first digest of a
    neglected national program holds over 100,000 escalations."""

    id: int
    attempts: int
    agency: str
    due_on: date


class Claim(NamedTuple):
    """One person's ready entries, claimed: each as `Waiting`, and all of them in full when few enough were
    claimed to list them all (None otherwise: the caller reads in full only those it lists)."""

    waiting: list[Waiting]
    entries: list[OutboxEntry] | None


@dataclass(frozen=True)
class Attempted:
    """An entry's new delivery state, after an attempt or a retry asked for: sent (`sent_at`), or why not and when
    to try next (a sent entry keeps the error and time of the try before, for `outbox list`)."""

    id: int
    status: OutboxStatus
    attempts: int
    sent_at: datetime | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None


def attempted(waiting: Waiting, error: str | None, policy: RetryPolicy, now: datetime) -> Attempted:
    """Sent when the message went (error None); otherwise tried again later with backoff, or failed after the
    policy's last attempt."""
    attempts = waiting.attempts + 1
    if error is None:
        return Attempted(waiting.id, OutboxStatus.SENT, attempts, sent_at=now)
    status = OutboxStatus.FAILED if attempts >= policy.max_attempts else OutboxStatus.PENDING
    return Attempted(waiting.id, status, attempts, last_error=error, next_attempt_at=policy.next_attempt(attempts, now))
