"""One database: the engine, its sessions, schema migrations, and errors translated for users."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, exc, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from roadmap.domain.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision: the schema this code works with. Written here so that a command which does
# not migrate never imports Alembic (a third of the CLI's start-up); a test holds it to Alembic's own head.
SCHEMA_HEAD = "0018"
# Where Alembic records a database's revision.
_VERSION_TABLE = "alembic_version"
_SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pass", "sslpassword", "token", "secret"})


class Database:
    """An engine and session factory for one URL; never prints the URL's password."""

    def __init__(self, url: str, *, sqlite_wait: float = 30) -> None:
        try:
            self.url: URL = make_url(url)
            self.url.port  # noqa: B018 - a non-numeric port fails here rather than on first use
        except (exc.ArgumentError, ValueError):
            raise StorageError("the database URL is not a valid SQLAlchemy URL") from None
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # SQLite waits (30 s by default) for a lock held by another command instead of failing at once.
        self._sqlite_wait = sqlite_wait
        connect_args = {"timeout": sqlite_wait} if self.is_sqlite else _postgres_args(self.url)
        with self.translated_errors():
            self.engine: Engine = create_engine(self.url, connect_args=connect_args)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._schema_checked = False
        # The mode a file-backed SQLite database had before `upgrade` made it owner-only (None: it already was).
        self.tightened: int | None = None

    @property
    def masked_url(self) -> str:
        """The URL with its password shown as *** (user part) or "redacted" (query string)."""
        query = {
            key: ("redacted" if key.lower() in _SECRET_QUERY_KEYS else value) for key, value in self.url.query.items()
        }
        return self.url.set(query=query).render_as_string(hide_password=True)

    @property
    def sqlite_path(self) -> Path | None:
        """The file of a file-backed SQLite database."""
        database = self.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            return None
        return Path(database)

    @contextmanager
    def translated_errors(self) -> Iterator[None]:
        """Turn driver failures into one-line StorageErrors that name the (masked) database."""
        try:
            yield
        except exc.IntegrityError as error:
            raise StorageError(f"the change conflicts with data already stored: {_first_line(error.orig)}") from None
        except exc.OperationalError as error:
            if self.is_sqlite and "database is locked" in str(error.orig):
                raise StorageError(
                    f"the SQLite database {self.sqlite_path or self.masked_url} is busy: another command (a sweep?) "
                    f"held its write lock for more than {self._sqlite_wait:g} s; this one stopped without a partial "
                    "change: run it again once the other has finished (on PostgreSQL sweeps may overlap)"
                ) from None
            raise StorageError(f"cannot use database {self.masked_url}: {_first_line(error.orig)}") from None
        except (exc.InterfaceError, exc.ProgrammingError) as error:
            raise StorageError(f"cannot use database {self.masked_url}: {_first_line(error.orig)}") from None
        except (exc.NoSuchModuleError, ImportError):
            raise StorageError(f"no driver for database {self.masked_url}") from None
        except exc.SQLAlchemyError as error:
            raise StorageError(f"database {self.masked_url} failed: {_first_line(error)}") from None

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Create or upgrade the schema (to the newest migration by default); returns the (before, after) revisions.

        An older `revision` is for testing upgrades of a database made by an earlier version.
        """
        # Imported here: only `init`, the demo and tests migrate; every other command starts without Alembic.
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        self.tightened = self._owner_only()
        config = self._alembic_config()
        with self.translated_errors(), self.engine.begin() as connection:
            before = MigrationContext.configure(connection).get_current_revision()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            after = MigrationContext.configure(connection).get_current_revision()
        self._schema_checked = revision == "head"
        return before, after

    def _owner_only(self) -> int | None:
        """Create the SQLite file readable by its owner only, or tighten one others could read (it holds the key
        that signs agency links); returns the mode it had when it was tightened."""
        path = self.sqlite_path
        if path is None:
            return None
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            return None
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077 == 0:
            return None
        for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if each.exists():
                each.chmod(0o600)
        return mode

    def head_revision(self) -> str:
        """The schema revision this version of the code works with."""
        return SCHEMA_HEAD

    def migrations_head(self) -> str | None:
        """The newest revision among the migrations the package ships, as Alembic reads them."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def require_current_schema(self) -> None:
        """Refuse to work on a database that `init` has not created or upgraded (checked once per process)."""
        if self._schema_checked:
            return
        path = self.sqlite_path
        if path is not None and not path.exists():
            raise StorageError(f"no database at {path}: run `ips-roadmap init` first")
        head = self.head_revision()
        with self.translated_errors(), self.engine.connect() as connection:
            current = self._revision(connection)
        if current is None:
            raise StorageError(f"database {self.masked_url} is not initialised: run `ips-roadmap init` first")
        if current != head:
            raise StorageError(
                f"database {self.masked_url} has schema revision {current}, this version needs {head}: "
                "run `ips-roadmap init` to upgrade it"
            )
        self._schema_checked = True

    def session(self) -> Session:
        """A new session (callers use the unit of work rather than this directly)."""
        return self.sessions()

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    @staticmethod
    def _revision(connection: Connection) -> str | None:
        """The revision Alembic recorded in the database, or None when it never ran there."""
        if not inspect(connection).has_table(_VERSION_TABLE):
            return None
        revisions = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalars().all()
        return revisions[0] if len(revisions) == 1 else None

    def _alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        return config


# The server's side of each connection probes a silent client after a minute, then every 10 s: when a sweep's
# machine or network dies mid-delivery, the entries it had claimed (FOR UPDATE) are released within about two
# minutes instead of after the operating system's default of two hours or more. (A killed process closes its
# socket, so its locks go at once anyway.)
_SERVER_KEEPALIVES = "-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=6"


def _postgres_args(url: URL) -> dict[str, object]:
    """libpq settings for every connection: server-side keepalives, after any `options` the URL already gives."""
    given = url.query.get("options")
    options = given if isinstance(given, str) else " ".join(given or ())
    return {"options": f"{_SERVER_KEEPALIVES} {options}".strip()}


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
