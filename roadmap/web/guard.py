"""What every request passes before any route: the Host it names, the size of its body; and the headers every
answer carries. Plain ASGI, so it holds for routes added later and for FastAPI's own answers alike."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

LOG = logging.getLogger("ips_roadmap.web")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

# A form holds a few short fields and a review 25 scores: anything larger is not one of ours.
MAX_BODY_BYTES = 65_536
# No script at all; styles from our stylesheet (and the style attributes charts use); nothing may frame a page.
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_ALWAYS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # No address of ours ever reaches another site; our own pages still get theirs, because with "no-referrer"
    # browsers send `Origin: null` on a form post and our own forms could not be told from a forged one.
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
# The stylesheet is the same for everyone; everything else may be personal and is never kept by a cache.
_SHARED_PATHS = frozenset({"/static/app.css"})


class Guard:
    """Refuses a request for a host not ours (DNS rebinding) or with a body over the limit; adds the headers."""

    def __init__(self, app: Asgi, *, hosts: Iterable[str], https: bool, max_body: int = MAX_BODY_BYTES) -> None:
        self._app = app
        self._hosts = frozenset(host.lower() for host in hosts)
        self._https = https
        self._max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = _headers(scope)
        if headers.get("host", "").lower() not in self._hosts:
            # A name we were not told about: a rebinding page, or a proxy not set up with IPS_ROADMAP_WEB__BASE_URL.
            await _plain(send, 400, "This app does not answer to that host name.", self._extra(scope))
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self._max_body):
            await _plain(send, 413, "The request is too large.", self._extra(scope))
            return
        body_receive = receive
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            # Read at most the limit (a body sent in chunks has no length to check first), then hand it on.
            body, whole = await _bounded(receive, self._max_body)
            if not whole:
                await _plain(send, 413, "The request is too large.", self._extra(scope))
                return
            body_receive = _replay(body, receive)
        extra = self._extra(scope)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self._app(scope, body_receive, send_with_headers)
        except Exception:
            LOG.exception("a request failed")
            if not started:
                await _plain(send, 500, "Something went wrong on the server; it has been logged.", extra)

    def _extra(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        extra = list(_ALWAYS)
        if scope.get("path") not in _SHARED_PATHS:
            extra.append((b"cache-control", b"no-store"))
        if self._https:
            extra.append((b"strict-transport-security", b"max-age=31536000"))
        return extra


def _headers(scope: Scope) -> dict[str, str]:
    # Header bytes are latin-1 by HTTP's rules; a name sent twice keeps its first value.
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


async def _bounded(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
