"""Clients of the web app as its people use it: signed in through a real one-time link, or holding an agency link."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import uvicorn
from fastapi.testclient import TestClient
from pydantic import SecretStr

from notifications.smtp_sink import free_port
from roadmap.bootstrap import Application, build
from roadmap.cli.app import main
from roadmap.settings import Settings, WebSettings
from roadmap.web.app import create_app

LOCAL = "http://127.0.0.1:8000"
PORT = 8000


def csrf_of(html: str) -> str:
    """The token the page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def one_time_link(url: str, email: str) -> str:
    """The path of a sign-in link `ips-roadmap user link` prints (the person at the server)."""
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--database-url", url, "user", "link", email, "--json"]) == 0
    return str(json.loads(out.getvalue())["url"]).split("://", 1)[1].split("/", 1)[1]


def sign_in(client: TestClient, url: str, email: str) -> TestClient:
    """Sign a client in as a user through the sign-in link and its button, as a browser does."""
    path = "/" + one_time_link(url, email)
    page = client.get(path)
    assert page.status_code == 200, page.text
    answer = client.post(path, data={"csrf": csrf_of(page.text), "next": "/"}, headers={"Origin": origin(client)},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    return client


def origin(client: TestClient) -> str:
    return str(client.base_url).rstrip("/")


def follow_link(client: TestClient, token: str) -> TestClient:
    """Open an agency's personal link, as the director clicking it in a reminder."""
    answer = client.get(f"/a/{token}", follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


@contextmanager
def web_app(url: str, *, web: WebSettings | None = None, base: str = LOCAL) -> Iterator[tuple[Application, str]]:
    """An Application over the database, closed afterwards; `base` is the address clients use."""
    application = build(Settings(database_url=SecretStr(url), web=web or WebSettings()))
    try:
        yield application, base
    finally:
        application.close()


def client_for(application: Application, base: str = LOCAL, **app_options: object) -> TestClient:
    """A fresh browser-like client (its own cookies) of a new app over the application."""
    app = create_app(application, local_port=PORT, **app_options)  # type: ignore[arg-type]
    return TestClient(app, base_url=base)


class Server:
    """The app served by uvicorn in a thread, on a free port (or `port`), as `ips-roadmap web` serves it."""

    def __init__(
        self, settings: Settings, host: str = "127.0.0.1", as_of: date | None = None, port: int | None = None
    ) -> None:
        self.application = build(settings)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        app = create_app(self.application, as_of=as_of, local_port=self.port)
        self._server = uvicorn.Server(uvicorn.Config(app, host=host, port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            assert time.monotonic() < deadline, "the web app did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self.application.close()
