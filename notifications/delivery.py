"""The one module that talks to apprise: checking channels and showing them without their secrets."""

from __future__ import annotations

import apprise

from roadmap.domain.errors import InvalidInput


def masked_channel(url: str) -> str:
    """The channel URL as apprise prints it in privacy mode (passwords and tokens hidden), without options."""
    plugin = apprise.Apprise.instantiate(url.strip())
    if plugin is None:
        raise InvalidInput(f"{_scheme(url)}:// is not a notification channel apprise can use (or its URL is malformed)")
    # privacy=True masks each plugin's secrets its own way; the options after "?" are defaults, not identity.
    return str(plugin.url(privacy=True)).split("?", 1)[0]  # type: ignore[no-untyped-call]  # apprise is untyped


def _scheme(url: str) -> str:
    # Only the scheme is ever echoed back: the rest of a bad URL may still hold a token.
    return url.split("://", 1)[0][:20] if "://" in url else "this"
