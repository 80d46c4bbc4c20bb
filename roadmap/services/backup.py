"""Backups: the whole state to one JSON file and back, for moving a state between databases or keeping a copy.

The file holds everything the database does (contacts' channel URLs and the link key included), so it is
written readable by its owner only. It holds no more: only agency-level facts, as the database does.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from roadmap.domain.errors import InvalidInput
from roadmap.services.ports import UnitOfWork

# A state of 10,000 agencies with years of reminders is a few hundred MB; anything far larger is not ours.
MAX_BACKUP_BYTES = 2 * 1024**3


def export_state(uow: UnitOfWork, out: Path) -> dict[str, int]:
    """Write the whole state to `out` (atomically, owner-only); returns rows per table."""
    with uow:
        document = uow.backup.dump()
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    folder = out.parent if str(out.parent) else Path(".")
    try:
        handle, scratch = tempfile.mkstemp(prefix=".ips-roadmap-export-", dir=folder)
    except OSError as error:
        raise InvalidInput(f"cannot write {out}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(scratch, 0o600)
        os.replace(scratch, out)
    except OSError as error:
        Path(scratch).unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {out}: {error.strerror}") from None
    return _counts(document)


def import_state(uow: UnitOfWork, source: Path) -> dict[str, int]:
    """Restore a state exported by `export_state` into an empty database, all or nothing; rows per table."""
    document = read_backup(source)
    with uow:
        counts = uow.backup.restore(document)
        uow.commit()
    return counts


def read_backup(source: Path) -> object:
    """The parsed file, or InvalidInput saying why it cannot be one."""
    try:
        if source.stat().st_size > MAX_BACKUP_BYTES:
            raise InvalidInput(f"{source} is larger than a backup can be ({MAX_BACKUP_BYTES // 1024**3} GB)")
        data = source.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {source}: {error.strerror}") from None
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput(f"{source} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{source} is not valid JSON: {error.msg} at line {error.lineno}") from None
    except (RecursionError, ValueError):
        raise InvalidInput(f"{source} is not a backup this version can read") from None


def _counts(document: dict[str, Any]) -> dict[str, int]:
    return {name: len(table["rows"]) for name, table in document["tables"].items()}
