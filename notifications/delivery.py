"""The one module that talks to apprise: checking channels, showing them without secrets, sending."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from pydantic import SecretStr

from notifications.messages import Message
from roadmap.domain.contact import Contact
from roadmap.domain.errors import InvalidInput

if TYPE_CHECKING:
    from types import ModuleType

# apprise logs each failure itself, sometimes with the URL it could not parse; our messages and the outbox say
# what failed, masked. Its records go nowhere, whatever logging setup (Prefect's, say) the process has.
_APPRISE_LOG = logging.getLogger("apprise")
_APPRISE_LOG.addHandler(logging.NullHandler())
_APPRISE_LOG.propagate = False


def _apprise() -> ModuleType:
    """apprise, imported when a channel is first checked or used: loading its plugins costs every other command
    (a list, a page) a tenth of its start-up."""
    import apprise

    return apprise


def masked_channel(url: str) -> str:
    """The channel URL as apprise prints it in privacy mode (passwords and tokens hidden), without options."""
    plugin = _apprise().Apprise.instantiate(url.strip())
    if plugin is None:
        raise InvalidInput(f"{_scheme(url)}:// is not a notification channel apprise can use (or its URL is malformed)")
    # privacy=True masks each plugin's secrets its own way; the options after "?" are defaults, not identity.
    return str(plugin.url(privacy=True)).split("?", 1)[0]


def _scheme(url: str) -> str:
    # Only the scheme is ever echoed back: the rest of a bad URL may still hold a token.
    return url.split("://", 1)[0][:20] if "://" in url else "this"


class AppriseSender:
    """Sends through apprise: email via the state's mail server, plus each contact's own channels."""

    def __init__(self, mail_url: SecretStr | str | None) -> None:
        # Settings keep the URL as a SecretStr (it may hold a password); unwrapped only here, to send.
        self._mail_url = mail_url.get_secret_value() if isinstance(mail_url, SecretStr) else mail_url

    def send(self, contact: Contact, message: Message) -> str | None:
        """None when every channel accepted the message; otherwise which channels did not (masked)."""
        failures = []
        if contact.email:
            if self._mail_url is None:
                failures.append("no mail server configured (IPS_ROADMAP_MAIL_URL)")
            elif not _notify(_with_recipient(self._mail_url, contact.email), message.subject, message.html, html=True):
                failures.append(f"{masked_channel(self._mail_url)} did not accept the message")
        for url in contact.notify:
            if not _notify(url, message.subject, message.text, html=False):
                failures.append(f"{masked_channel(url)} did not accept the message")
        return "; ".join(failures) or None


class _Transcript(logging.Handler):
    """What apprise reports of each exchange with a server: what was sent, and every reply it was refused with."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        said = " ".join(record.getMessage().split())
        # Notices and the servers' own words; apprise's other debug lines echo URLs and settings.
        if record.levelno >= logging.INFO or said.startswith(("Socket Exception", "Response Details")):
            self.lines.append(said[:500])


def send_with_transcript(sender: AppriseSender, contact: Contact, message: Message) -> tuple[str | None, list[str]]:
    """Send as the sender does, and say what the servers answered (for `notify test`)."""
    heard = _Transcript()
    level = _APPRISE_LOG.level
    _APPRISE_LOG.addHandler(heard)
    _APPRISE_LOG.setLevel(logging.DEBUG)
    try:
        return sender.send(contact, message), heard.lines
    finally:
        _APPRISE_LOG.removeHandler(heard)
        _APPRISE_LOG.setLevel(level)


def _notify(url: str, title: str, body: str, *, html: bool) -> bool:
    apprise = _apprise()
    sender = apprise.Apprise()
    if not sender.add(url):
        return False
    body_format = apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT
    # apprise answers True (sent), False (a channel failed) or None (nothing to send to): only True counts.
    return sender.notify(title=title, body=body, body_format=body_format) is True


def _with_recipient(mail_url: str, address: str) -> str:
    separator = "&" if "?" in mail_url else "?"
    return f"{mail_url}{separator}to={quote(address)}"
