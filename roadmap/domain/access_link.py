"""Personal links to one agency's pages: a signed token naming a stored link, expiring and revocable.

A token is `<link id>.<signature>`, the signature an HMAC-SHA256 of the link's id, salt, agency and expiry under
the state's link key. Nothing secret is stored per link, so the token can be put into every reminder a contact
is sent; revoking the stored link (or letting it expire) stops every copy of it at once. The salt, random per
link, keeps a deleted link's token from opening a later link that happens to get the same id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

# 32 random bytes of key: forging a signature is out of reach.
_KEY_BYTES = 32
_SALT_BYTES = 12


class AccessLink(BaseModel):
    """A link that opens one agency's pages until it expires or is revoked; `contact_id` when reminders carry it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int | None = None
    agency: str
    label: str = Field(default="", max_length=120)
    expires_on: date
    revoked_at: datetime | None = None
    contact_id: int | None = None
    salt: str = Field(default_factory=lambda: secrets.token_urlsafe(_SALT_BYTES), max_length=24)

    def opens(self, on: date) -> bool:
        """The link still works on this day."""
        return self.revoked_at is None and on <= self.expires_on

    def lasts(self, on: date, days: int) -> bool:
        """The link will still work `days` days after `on` (long enough to be sent again)."""
        return self.opens(on) and on + timedelta(days=days) <= self.expires_on


def new_key() -> str:
    """A fresh URL-safe signing key for a state's links."""
    return secrets.token_urlsafe(_KEY_BYTES)


def sign(link: AccessLink, key: str) -> str:
    """The token that opens this stored link."""
    if link.id is None:
        raise ValueError("only a stored link can be signed")
    return f"{link.id}.{_signature(link, key)}"


def token_id(token: str) -> int | None:
    """The link id a token names, or None for anything that is not a token's shape."""
    number, dot, signature = token.partition(".")
    if not dot or not signature or not number.isascii() or not number.isdigit() or len(number) > 10:
        return None
    return int(number)


def signed_by(link: AccessLink, token: str, key: str) -> bool:
    """The token was made for exactly this link (id, agency and expiry) with this key; compared in constant time."""
    if link.id is None or token_id(token) != link.id:
        return False
    return hmac.compare_digest(token.partition(".")[2].encode(), _signature(link, key).encode())


def _signature(link: AccessLink, key: str) -> str:
    message = f"agency-link|{link.id}|{link.salt}|{link.agency}|{link.expires_on.isoformat()}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
