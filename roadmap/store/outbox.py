"""The outbox in SQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from importlib import import_module
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.errors import NotFound
from roadmap.domain.outbox import Attempted, Claim, OutboxEntry, OutboxStatus, Waiting
from roadmap.store.chunks import chunks
from roadmap.store.locks import is_sqlite
from roadmap.store.plain import plain
from roadmap.store.tables import CHANGES_NOTHING_DUE, OutboxRow

_FIELDS = ("key", "contact_id", "offset_days", "escalation", "attempts", "last_error", "next_attempt_at", "queued_on",
           "sent_at")  # fmt: skip
# The due item's fields are columns of the outbox row (no join needed to send or list it).
_ITEM_FIELDS = ("agency", "subject", "title", "stage", "due_on")


_OUTBOX = cast(Table, OutboxRow.__table__)

# Built once: a delivery runs these for every person, and a statement built anew pays for its cache key each time.
_CHOSEN = (
    _OUTBOX.c.status == OutboxStatus.PENDING.value,
    _OUTBOX.c.next_attempt_at <= bindparam("now"),
    _OUTBOX.c.contact_id == bindparam("contact"),
    _OUTBOX.c.id <= bindparam("up_to"),
)
_READY = select(_OUTBOX).where(*_CHOSEN).order_by(_OUTBOX.c.id)
_READY_LOCKED = _READY.with_for_update(skip_locked=True)
# An attempt's outcome, one executemany per kind. Each row's id is bound as `entry_id`, since SQLAlchemy reserves
# each column's own name for its new value.
_RECORD = update(_OUTBOX).where(_OUTBOX.c.id == bindparam("entry_id"))
_RECORD_SENT, _RECORD_TRIED = (
    _RECORD.values({name: bindparam(name) for name in ("status", "attempts", *kind)})
    for kind in (("sent_at",), ("last_error", "next_attempt_at"))
)
# SQLite has no row locks: writing the chosen rows unchanged takes the database's write lock for the transaction.
_LOCK_READY = (
    update(_OUTBOX).where(*_CHOSEN).values(attempts=_OUTBOX.c.attempts).execution_options(**{CHANGES_NOTHING_DUE: True})
)


class SqlOutbox:
    """Reminders written before sending; one row per key.

    Read and written as plain rows, not ORM objects: a first sweep delivers tens of thousands of entries, and
    tracking each as an object cost more than the SQL.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

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
        # The dialect's own INSERT (for ON CONFLICT), loaded on first use: a command on SQLite that queues nothing
        # does not import PostgreSQL's dialect (and asyncio with it) at start-up.
        dialect = import_module(f"sqlalchemy.dialects.{self._session.get_bind().dialect.name}")
        statement = dialect.insert(_OUTBOX)
        added = self._session.execute(
            statement.on_conflict_do_nothing(index_elements=[_OUTBOX.c.key]).returning(_OUTBOX.c.id),
            [_values(entry) for entry in entries],
        )
        return len(added.all())

    def get(self, entry_id: int) -> OutboxEntry:
        row = self._session.execute(select(_OUTBOX).where(OutboxRow.id == entry_id)).first()
        if row is None:
            raise NotFound(f"no outbox entry {entry_id}; `ips-roadmap outbox list` shows them")
        return _entry(row)

    def waiting(self, now: datetime) -> tuple[list[int], int]:
        due = (OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.next_attempt_at <= now)
        contacts = self._session.scalars(select(OutboxRow.contact_id).where(*due).distinct()).all()
        return sorted(contacts), self._session.scalar(select(func.max(OutboxRow.id)).where(*due)) or 0

    def claim(self, now: datetime, contact: int, up_to: int, whole: int = 0) -> Claim:
        params = {"now": now, "contact": contact, "up_to": up_to}
        if is_sqlite(self._session):
            # A second delivery waits here for the database, then finds them sent.
            self._session.execute(_LOCK_READY, params)
            rows = plain(self._session, _READY, params)
        else:
            rows = plain(self._session, _READY_LOCKED, params)
        waiting: list[Waiting] = []
        kept: list[Row[Any]] | None = []
        for row in rows:  # read as the driver gives them: a state lead's first digest can claim 100,000
            waiting.append(Waiting(row.id, row.attempts, row.agency, row.due_on))
            if kept is not None and len(kept) < whole:
                kept.append(row)
            else:  # more than can all be listed: the caller reads in full only those it lists
                kept = None
        return Claim(waiting, None if kept is None else [_entry(row) for row in kept])

    def entries(self, ids: Sequence[int]) -> list[OutboxEntry]:
        found: dict[int, OutboxEntry] = {}
        for chunk in chunks(ids):
            query = select(_OUTBOX).where(OutboxRow.id.in_(chunk))
            found.update((entry.id, entry) for entry in map(_entry, plain(self._session, query)) if entry.id)
        return [found[entry_id] for entry_id in ids if entry_id in found]

    def record(self, outcomes: Sequence[Attempted]) -> None:
        # Only the delivery state changes, never the reminder. A sent entry keeps the error and time of the try
        # before it (`outbox list` shows what it took).
        sent: list[dict[str, Any]] = []
        tried: list[dict[str, Any]] = []
        for o in outcomes:
            state: dict[str, Any] = {"entry_id": o.id, "status": o.status.value, "attempts": o.attempts}
            if o.status is OutboxStatus.SENT:
                sent.append(state | {"sent_at": o.sent_at})
            else:
                tried.append(state | {"last_error": o.last_error, "next_attempt_at": o.next_attempt_at})
        for statement, rows in ((_RECORD_SENT, sent), (_RECORD_TRIED, tried)):
            if rows:
                self._session.execute(statement, rows)  # one executemany

    def withdraw(self, agency: str, reason: str) -> int:
        """Stop every unsent reminder about an agency: failed, with the reason, never sent and never escalated."""
        stopped = self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.agency == agency, OutboxRow.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.FAILED.value, last_error=reason)
        )
        return int(getattr(stopped, "rowcount", 0) or 0)

    def listed(self, agency: str | None = None, status: str | None = None) -> list[OutboxEntry]:
        query = select(_OUTBOX)
        if agency is not None:
            query = query.where(OutboxRow.agency == agency)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        return [_entry(row) for row in self._session.execute(query.order_by(OutboxRow.id))]


def _entry(row: Row[Any]) -> OutboxEntry:
    values = row._mapping
    item = DueItem(kind=DueKind(values["kind"]), **{name: values[name] for name in _ITEM_FIELDS})
    return OutboxEntry(
        id=values["id"], item=item, status=OutboxStatus(values["status"]), **{name: values[name] for name in _FIELDS}
    )


def _values(entry: OutboxEntry) -> dict[str, object]:
    values = {name: getattr(entry, name) for name in _FIELDS}
    values.update({name: getattr(entry.item, name) for name in _ITEM_FIELDS})
    return values | {"kind": entry.item.kind.value, "status": entry.status.value}
