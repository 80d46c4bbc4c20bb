"""Reading the audit trail: every change, or one agency's, oldest first."""

from __future__ import annotations

from datetime import date

from roadmap.domain.audit import AuditEntry
from roadmap.domain.errors import NotFound
from roadmap.domain.names import did_you_mean
from roadmap.services.ports import UnitOfWork


def audit_trail(uow: UnitOfWork, agency: str | None = None, *, since: date | None = None) -> list[AuditEntry]:
    """The trail (one agency's when given, from a day on when given); an agency no longer stored still has one."""
    with uow:
        entries = uow.audit.listed(agency, since=since)
        if agency is not None and not entries and uow.agencies.name_of(agency) is None:
            raise NotFound(
                f"unknown agency {agency!r}{did_you_mean(agency, uow.agencies.slugs())}; "
                "`ips-roadmap agency list` shows every slug"
            )
    return entries
