"""Every command is one transaction: a conflict it runs into leaves nothing of the command behind."""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import Any

import pytest
from pydantic import SecretStr

from roadmap.bootstrap import Application, build
from roadmap.domain.errors import StorageError
from roadmap.services.agencies import add_agency
from roadmap.services.imports import import_agencies, parse_agencies_csv
from roadmap.settings import Settings
from tests.conftest import snapshot

TODAY = date(2026, 11, 23)


class CompetitorWritesFirst:
    """Wraps a unit of work so that another writer adds an agency after this one checked the slugs are free and
    just before it writes its own rows: the window a race for a slug has (the rows are written, not held to the
    commit, so the other writer cannot come between them and the commit)."""

    def __init__(self, app: Application, competitor: Application) -> None:
        self._inner = app.uow()
        self._competitor = competitor

    def __enter__(self) -> CompetitorWritesFirst:
        self._inner.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._inner.__exit__(kind, error, trace)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def agencies(self) -> Any:
        inner, competitor = self._inner.agencies, self._competitor

        class Racing:
            def __getattr__(self, name: str) -> Any:
                return getattr(inner, name)

            def add_many(self, agencies: Any) -> None:
                add_agency(competitor.uow(), competitor.roadmap, name="B Two", region="South", timezone="UTC",
                           as_of=TODAY)  # fmt: skip
                inner.add_many(agencies)

        return Racing()


def test_an_import_that_loses_a_race_for_a_slug_writes_none_of_its_rows(database_url: str) -> None:
    app = build(Settings(database_url=SecretStr(database_url)))
    competitor = build(Settings(database_url=SecretStr(database_url)))
    app.database.upgrade()
    lines = parse_agencies_csv(b"name,region,timezone\nA One,North,UTC\nB Two,North,UTC\nC Three,North,UTC\n")
    try:
        with pytest.raises(StorageError, match="conflicts with data already stored"):
            import_agencies(CompetitorWritesFirst(app, competitor), app.roadmap, lines, as_of=TODAY)  # type: ignore[arg-type]
        agencies = snapshot(database_url)["agencies"]
        assert [row[1] for row in agencies] == ["b-two"]  # only the competitor's row
    finally:
        app.close()
        competitor.close()
