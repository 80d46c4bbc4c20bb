"""Errors the core raises; each edge turns them into a message (CLI: one line on stderr, exit code 2).

Hierarchy::

    RoadmapError            every expected refusal; str(error) is the one-line message a user sees
    ├── InvalidInput        a malformed value from outside: a date, a timezone, a CSV row, a data file
    ├── NotFound            an unknown agency, stage or checklist item
    ├── RuleViolation       a progression rule refuses the change (order, already done, open items)
    ├── Forbidden           the one asking may not do this (their role, regions or link does not reach it)
    └── StorageError        the database cannot be used (not initialised, unreachable, a conflict)
"""

from __future__ import annotations

from pydantic import ValidationError


class RoadmapError(Exception):
    """An expected refusal whose message is meant for the user."""


class InvalidInput(RoadmapError):
    """A value from outside that cannot be used as given."""


class NotFound(RoadmapError):
    """An agency, stage or checklist item that does not exist."""


class RuleViolation(RoadmapError):
    """A change the roadmap's progression rules refuse."""


class Forbidden(RoadmapError):
    """Whoever asked may not do this; the message names no data of the agency."""


class StorageError(RoadmapError):
    """The database cannot be read or written."""


def first_problem(error: ValidationError, default_where: str) -> str:
    """'field: what is wrong' for the first problem pydantic found (values are never echoed beyond its message)."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or default_where
    return f"{where}: {first['msg'].removeprefix('Value error, ')}"
