"""Every command is one transaction: a conflict found only at commit leaves nothing of the command behind."""

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


class CompetitorCommitsFirst:
    """Wraps a unit of work so that another writer adds an agency just before this one commits."""

    def __init__(self, app: Application, competitor: Application) -> None:
        self._inner = app.uow()
        self._competitor = competitor

    def __enter__(self) -> CompetitorCommitsFirst:
        self._inner.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._inner.__exit__(kind, error, trace)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def commit(self) -> None:
        add_agency(self._competitor.uow(), self._competitor.roadmap, name="B Two", region="South", timezone="UTC",
                   as_of=TODAY)  # fmt: skip
        self._inner.commit()


def test_an_import_that_loses_a_race_for_a_slug_writes_none_of_its_rows(database_url: str) -> None:
    app = build(Settings(database_url=SecretStr(database_url)))
    competitor = build(Settings(database_url=SecretStr(database_url)))
    app.database.upgrade()
    lines = parse_agencies_csv(b"name,region,timezone\nA One,North,UTC\nB Two,North,UTC\nC Three,North,UTC\n")
    try:
        with pytest.raises(StorageError, match="conflicts with data already stored"):
            import_agencies(CompetitorCommitsFirst(app, competitor), app.roadmap, lines, as_of=TODAY)  # type: ignore[arg-type]
        agencies = snapshot(database_url)["agencies"]
        assert [row[1] for row in agencies] == ["b-two"]  # only the competitor's row
    finally:
        app.close()
        competitor.close()
