"""People who receive reminders: agency contacts and the state team. Names and addresses of staff, never clients."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roadmap.domain.agency import Line, known_timezone

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Role(StrEnum):
    """Public role keys."""

    DIRECTOR = "director"
    MH_LEADER = "mh-leader"
    VR_LEADER = "vr-leader"
    IPS_SUPERVISOR = "ips-supervisor"
    EMPLOYMENT_SPECIALIST = "employment-specialist"
    OTHER = "other"
    STATE_LEAD = "state-lead"
    TRAINER = "trainer"
    REVIEWER = "reviewer"


STATE_ROLES = frozenset({Role.STATE_LEAD, Role.TRAINER, Role.REVIEWER})


class Contact(BaseModel):
    """An agency's contact (agency set) or a state-level one; reached by email and/or apprise channels."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: int | None = None
    agency: str | None = None
    role: Role
    name: Line = Field(min_length=1, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    notify: tuple[str, ...] = ()
    timezone: str | None = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.fullmatch(value):
            raise ValueError(f"{value!r} is not an email address")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else known_timezone(value)

    @model_validator(mode="after")
    def _reachable_and_placed(self) -> Contact:
        if not self.email and not self.notify:
            raise ValueError("a contact needs an email address (--email) or a channel (--notify)")
        if self.agency is None and self.role not in STATE_ROLES:
            raise ValueError(
                f"role {self.role.value!r} belongs to an agency; state contacts are state-lead, trainer or reviewer"
            )
        if self.agency is not None and self.role in STATE_ROLES:
            raise ValueError(f"role {self.role.value!r} is a state role; add it without an agency")
        return self


# Who is reminded of an agency's own work by default: without one of them, its reminders reach nobody there.
AGENCY_RECIPIENTS = frozenset({Role.DIRECTOR, Role.IPS_SUPERVISOR})


def nobody_to_remind(slugs: Iterable[str], roles: Iterable[tuple[str | None, Role]]) -> list[str]:
    """The agencies (of these slugs, in their order) with no director or IPS supervisor to remind, given every
    contact's (agency, role)."""
    reachable = {agency for agency, role in roles if role in AGENCY_RECIPIENTS}
    return [slug for slug in slugs if slug not in reachable]
