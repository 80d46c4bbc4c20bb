"""SQLAlchemy storage: rows, row <-> domain mapping, the unit of work, and Alembic migrations."""

from roadmap.store.database import Database
from roadmap.store.uow import SqlUnitOfWork

__all__ = ["Database", "SqlUnitOfWork"]
