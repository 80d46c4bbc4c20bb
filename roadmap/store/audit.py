"""The audit trail in SQL: repositories write an entry beside every change, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from roadmap.domain.audit import Action, Actor, AuditChange, AuditEntry, Fields, Subject
from roadmap.store.tables import AuditRow

_AUDIT = cast(Table, AuditRow.__table__)


class SqlAuditTrail:
    """Entries stamped with this unit of work's author and the clock's time."""

    def __init__(self, session: Session, actor: Actor, clock: Callable[[], datetime]) -> None:
        self._session = session
        self._actor = actor
        self._clock = clock

    def record(self, changes: Iterable[AuditChange | None]) -> None:
        """Keep these changes (None: nothing changed, nothing kept)."""
        at = self._clock().astimezone(UTC)
        rows = [
            {"at": at, "actor": self._actor.name, "via": self._actor.via, "agency": each.agency,
             "subject": each.subject.value, "key": each.key, "action": each.action.value, "before": each.before,
             "after": each.after, "reason": each.reason}
            for each in changes
            if each is not None
        ]  # fmt: skip
        # One INSERT for them all, written at once (an import keeps ten thousand): no ORM object per entry.
        if rows:
            self._session.execute(insert(_AUDIT), rows)

    def listed(self, agency: str | None = None, *, since: date | None = None) -> list[AuditEntry]:
        """Entries oldest first (one agency's only, when given; from a UTC day on, when given)."""
        query = select(AuditRow)
        if agency is not None:
            query = query.where(AuditRow.agency == agency)
        if since is not None:
            query = query.where(AuditRow.at >= datetime(since.year, since.month, since.day, tzinfo=UTC))
        return [_entry(row) for row in self._session.scalars(query.order_by(AuditRow.id))]

    def latest(self, subject: Subject) -> dict[str, Fields]:
        """The last recorded value of each key of a subject (keys last removed are left out)."""
        found: dict[str, Fields] = {}
        rows = self._session.execute(
            select(AuditRow.key, AuditRow.after).where(AuditRow.subject == subject.value).order_by(AuditRow.id)
        )
        for key, after in rows:
            if after is None:
                found.pop(key, None)
            else:
                found[key] = after
        return found

    def last(self, agency: str, subject: Subject, key: str) -> AuditEntry | None:
        """The newest entry of one agency's subject and key (one indexed read, not the agency's whole trail)."""
        row = self._session.scalars(
            select(AuditRow)
            .where(AuditRow.agency == agency, AuditRow.subject == subject.value, AuditRow.key == key)
            .order_by(AuditRow.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _entry(row)


def _entry(row: AuditRow) -> AuditEntry:
    # SQLite hands instants back without their zone; they were written in UTC.
    at = row.at.replace(tzinfo=UTC) if row.at.tzinfo is None else row.at.astimezone(UTC)
    return AuditEntry(
        id=row.id,
        at=at,
        actor=row.actor,
        via=row.via,
        agency=row.agency,
        subject=Subject(row.subject),
        key=row.key,
        action=Action(row.action),
        before=row.before,
        after=row.after,
        reason=row.reason,
    )
