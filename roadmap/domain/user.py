"""People of the state team who sign in to the web app, each with one role; and the secrets that let them in.

A user is named by their email address (the address sign-in links go to, and the name the audit trail keeps).
Secrets (sign-in links, sessions, personal API and calendar tokens) are random strings shown to their holder
once; only their SHA-256 digest is stored, so a copy of the database opens nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roadmap.domain.agency import Line

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# 32 random bytes: out of reach of guessing, and short enough for a URL.
_SECRET_BYTES = 32


class UserRole(StrEnum):
    """What a signed-in person may do (see roadmap.domain.permission for the table)."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    TRAINER = "trainer"
    VIEWER = "viewer"


class User(BaseModel):
    """A person who signs in: admin, coordinator of some regions, a trainer (tied to their trainer record), viewer."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: int | None = None
    email: str = Field(min_length=3, max_length=254)
    name: Line = Field(min_length=1, max_length=120)
    role: UserRole
    regions: tuple[str, ...] = ()
    trainer: str | None = Field(default=None, max_length=120)
    active: bool = True
    last_seen: datetime | None = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str) -> str:
        # Addresses are compared as people type them in any case: stored lower-cased.
        if not _EMAIL.fullmatch(value):
            raise ValueError(f"{value!r} is not an email address")
        return value.lower()

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(region.strip() for region in value if region.strip()))
        if any(len(region) > 120 for region in cleaned):
            raise ValueError("a region name is longer than 120 characters")
        return cleaned

    @model_validator(mode="after")
    def _role_needs(self) -> User:
        if self.role is UserRole.COORDINATOR and not self.regions:
            raise ValueError("a coordinator needs at least one --region")
        if self.role is not UserRole.COORDINATOR and self.regions:
            raise ValueError("--region is for coordinators only")
        if self.role is UserRole.TRAINER and not self.trainer:
            raise ValueError("a trainer user needs --trainer NAME (the trainer record from `trainer add`)")
        if self.role is not UserRole.TRAINER and self.trainer:
            raise ValueError("--trainer is for the trainer role only")
        return self


# The kinds of secret besides personal tokens: a one-time sign-in link, and a signed-in browser's session.
SIGN_IN = "sign-in"
SESSION = "session"


class TokenKind(StrEnum):
    """What a personal token opens: the write/read API, or one trainer's calendar feed."""

    API = "api"
    CALENDAR = "calendar"


class UserToken(BaseModel):
    """A personal token as stored (its secret is never kept, only its digest)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    user: str
    kind: TokenKind
    label: str = ""
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    def works(self, now: datetime) -> bool:
        """Neither revoked nor expired at this instant."""
        return self.revoked_at is None and now < self.expires_at


def new_secret() -> str:
    """A fresh URL-safe secret for a sign-in link, a session or a personal token."""
    return secrets.token_urlsafe(_SECRET_BYTES)


def digest(secret: str) -> str:
    """What is stored for a secret: enough to recognise it, nothing to use it with."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def normal_email(text: str) -> str:
    """An address as users are looked up by it (trimmed, lower-cased)."""
    return text.strip().lower()
