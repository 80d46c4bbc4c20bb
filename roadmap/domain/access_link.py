"""Personal links to one agency's pages: a random secret in the URL, only its hash stored; expiring, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

# 32 random bytes: guessing a live link is out of reach.
_SECRET_BYTES = 32


class AccessLink(BaseModel):
    """A link that opens one agency's pages until it expires or is revoked (the secret itself is never stored)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int | None = None
    agency: str
    label: str = Field(default="", max_length=120)
    expires_on: date
    revoked_at: datetime | None = None

    def opens(self, on: date) -> bool:
        """The link still works on this day."""
        return self.revoked_at is None and on <= self.expires_on


def new_secret() -> str:
    """A fresh URL-safe secret for a link."""
    return secrets.token_urlsafe(_SECRET_BYTES)


def secret_hash(secret: str) -> str:
    """What is stored and looked up: the SHA-256 of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
