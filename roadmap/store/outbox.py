"""The outbox in SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.errors import NotFound
from roadmap.domain.outbox import OutboxEntry, OutboxStatus
from roadmap.store.locks import is_sqlite, write_lock
from roadmap.store.tables import OutboxRow

_FIELDS = ("key", "contact_id", "offset_days", "escalation", "attempts", "last_error", "next_attempt_at", "queued_on",
           "sent_at")  # fmt: skip
# The due item's fields are columns of the outbox row (no join needed to send or list it).
_ITEM_FIELDS = ("agency", "subject", "title", "stage", "due_on")


class SqlOutbox:
    """Reminders written before sending; one row per key."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._rows: dict[int, OutboxRow] = {}

    def keys(self, agencies: Collection[str] | None = None) -> set[str]:
        query = select(OutboxRow.key)
        if agencies is not None:
            query = query.where(OutboxRow.agency.in_(agencies))
        return set(self._session.scalars(query))

    def add_all(self, entries: list[OutboxEntry]) -> int:
        # One executemany rather than an ORM object per reminder: a first sweep can queue tens of thousands.
        # A key another run queued meanwhile is skipped, not an error: two sweeps side by side both finish.
        if not entries:
            return 0
        dialect = self._session.get_bind().dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxRow)
        added = self._session.execute(
            statement.on_conflict_do_nothing(index_elements=[OutboxRow.key]).returning(OutboxRow.id),
            [_values(entry) for entry in entries],
        )
        return len(added.all())

    def get(self, entry_id: int) -> OutboxEntry:
        row = self._session.get(OutboxRow, entry_id)
        if row is None:
            raise NotFound(f"no outbox entry {entry_id}; `ips-roadmap outbox list` shows them")
        return self._remember(row)

    def waiting(self, now: datetime) -> tuple[list[int], int]:
        due = (OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.next_attempt_at <= now)
        contacts = self._session.scalars(select(OutboxRow.contact_id).where(*due).distinct()).all()
        return sorted(contacts), self._session.scalar(select(func.max(OutboxRow.id)).where(*due)) or 0

    def ready(
        self,
        now: datetime,
        contacts: Collection[int] | None = None,
        up_to: int | None = None,
        *,
        claim: bool = False,
    ) -> list[OutboxEntry]:
        chosen = [OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.next_attempt_at <= now]
        if contacts is not None:
            chosen.append(OutboxRow.contact_id.in_(contacts))
        if up_to is not None:
            chosen.append(OutboxRow.id <= up_to)
        query = select(OutboxRow).where(*chosen).order_by(OutboxRow.id)
        if claim and is_sqlite(self._session):
            write_lock(self._session, OutboxRow.attempts, *chosen)  # a second delivery waits, then finds them sent
        elif claim:
            query = query.with_for_update(skip_locked=True)
        return [self._remember(row) for row in self._session.scalars(query)]

    def withdraw(self, agency: str, reason: str) -> int:
        """Stop every unsent reminder about an agency: failed, with the reason, never sent and never escalated."""
        stopped = self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.agency == agency, OutboxRow.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.FAILED.value, last_error=reason)
        )
        return int(getattr(stopped, "rowcount", 0) or 0)

    def listed(self, agency: str | None = None, status: str | None = None) -> list[OutboxEntry]:
        query = select(OutboxRow)
        if agency is not None:
            query = query.where(OutboxRow.agency == agency)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        return [self._remember(row) for row in self._session.scalars(query.order_by(OutboxRow.id))]

    def save(self, entry: OutboxEntry) -> None:
        if entry.id is None or entry.id not in self._rows:
            raise KeyError(f"outbox entry {entry.id} was not loaded in this unit of work")
        row = self._rows[entry.id]
        row.status = entry.status.value
        _write(row, entry)

    def _remember(self, row: OutboxRow) -> OutboxEntry:
        self._rows[row.id] = row
        item = DueItem(kind=DueKind(row.kind), **{name: getattr(row, name) for name in _ITEM_FIELDS})
        values = {name: getattr(row, name) for name in _FIELDS}
        return OutboxEntry(id=row.id, item=item, status=OutboxStatus(row.status), **values)


def _values(entry: OutboxEntry) -> dict[str, object]:
    values = {name: getattr(entry, name) for name in _FIELDS}
    values.update({name: getattr(entry.item, name) for name in _ITEM_FIELDS})
    return values | {"kind": entry.item.kind.value, "status": entry.status.value}


def _write(row: OutboxRow, entry: OutboxEntry) -> None:
    for name in _FIELDS:
        setattr(row, name, getattr(entry, name))
    for name in _ITEM_FIELDS:
        setattr(row, name, getattr(entry.item, name))
