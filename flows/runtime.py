"""The application a flow works with: the caller's (an in-process CLI run) or one built from the settings (a worker)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from roadmap.bootstrap import Application, build
from roadmap.settings import load_settings

# Flow parameters are stored and shown by Prefect, so the database URL (it may hold a password) is never one:
# an in-process caller lends its application, a worker reads IPS_ROADMAP_DATABASE_URL.
_lent: ContextVar[Application | None] = ContextVar("ips_roadmap_application", default=None)


@contextmanager
def lend(app: Application) -> Iterator[None]:
    """Flows run inside this block use `app`."""
    token = _lent.set(app)
    try:
        yield
    finally:
        _lent.reset(token)


@contextmanager
def application() -> Iterator[Application]:
    """The lent application, or one built from the environment and closed afterwards."""
    lent = _lent.get()
    if lent is not None:
        yield lent
        return
    built = build(load_settings(), via="flow")
    try:
        yield built
    finally:
        built.close()
