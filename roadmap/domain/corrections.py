"""Correcting an agency's record: its name, region and timezone, and taking it off the roadmap (pure).

Each function takes the agency as recorded and returns it changed, or raises a RoadmapError naming the problem;
the store writes the change and the audit trail keeps the before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import ValidationError

from roadmap.domain.agency import Agency
from roadmap.domain.errors import InvalidInput, RuleViolation


def edit(agency: Agency, *, name: str | None, region: str | None, timezone: str | None) -> Agency:
    """The agency with a new name, region or timezone (the slug stays: commands and links use it)."""
    changes = {key: value for key, value in (("name", name), ("region", region), ("timezone", timezone)) if value}
    if not changes:
        raise InvalidInput("nothing to change: give --name, --region or --timezone")
    if all(getattr(agency, key) == value.strip() for key, value in changes.items()):
        raise RuleViolation(f"agency {agency.slug!r} already has those values")
    return _validated(agency, changes)


def archive(agency: Agency, *, on: date, reason: str, as_of: date) -> Agency:
    """The agency off the roadmap from a day: no more reminders or visits; its history, reports and trail stay."""
    if agency.archived_on is not None:
        raise RuleViolation(
            f"agency {agency.slug!r} left the roadmap on {agency.archived_on} ({agency.archive_reason})"
        )
    if on > as_of:
        raise InvalidInput(f"archive date {on} is in the future (today is {as_of}); archive it once it has left")
    if on < agency.joined_on:
        raise InvalidInput(f"archive date {on} is before the agency joined the roadmap on {agency.joined_on}")
    if not reason.strip():
        raise InvalidInput("give the reason it leaves the roadmap (--reason TEXT)")
    return _validated(agency, {"archived_on": on, "archive_reason": reason})


def _validated(agency: Agency, changes: Mapping[str, object]) -> Agency:
    try:
        return Agency.model_validate({**agency.model_dump(), **changes})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "agency"
        raise InvalidInput(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
