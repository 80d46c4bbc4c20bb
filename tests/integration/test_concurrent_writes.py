"""A sweep and a command changing one agency at the same moment: both changes land, neither overwrites the other.

The sweep reads an agency, decides to start a stage, and saves it; a person ticks a checklist item of that
agency in between. Without a lock, the sweep's save writes back the checklist it read, and the tick is lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy import create_engine, delete, select

from roadmap.bootstrap import Application, build
from roadmap.domain.agency import Agency
from roadmap.domain.audit import Action, Subject
from roadmap.services.agencies import add_agency, mark_item_done
from roadmap.services.sweep import advance_batch, plan_sweep
from roadmap.settings import Settings
from roadmap.store.tables import AgencyRow, StageRow

TODAY = date(2026, 11, 23)
SLUG = "oak-clinic"
TICKED = "readiness.leader-understanding"  # an item of readiness, the stage the agency is in


class TickWhileTheSweepHoldsItsRead:
    """The sweep's unit of work; once it has read its agencies, another process's command ticks an item."""

    def __init__(self, app: Application, competitor: Application) -> None:
        self._inner = app.uow()
        self._competitor = competitor
        self.tick = threading.Thread(target=self._tick)
        self.ticked_after = 0.0

    def __enter__(self) -> TickWhileTheSweepHoldsItsRead:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def agencies(self) -> Any:
        outer = self

        class Agencies:
            def __getattr__(self, name: str) -> Any:
                return getattr(outer._inner.agencies, name)

            def many(self, slugs: Collection[str], **options: bool) -> list[Agency]:
                read = outer._inner.agencies.many(slugs, **options)
                outer._started = time.perf_counter()
                outer.tick.start()
                outer.tick.join(1.5)  # unlocked, the tick commits at once; locked, it waits for the sweep
                return read

        return Agencies()

    def _tick(self) -> None:
        c = self._competitor
        mark_item_done(c.uow(), c.roadmap, SLUG, TICKED, on=TODAY, as_of=TODAY)
        self.ticked_after = time.perf_counter() - self._started


def test_a_sweep_and_a_command_changing_one_agency_at_once_both_land(database_url: str) -> None:
    settings = Settings(database_url=SecretStr(database_url))
    app, competitor = build(settings), build(settings)
    try:
        app.database.upgrade()
        add_agency(app.uow(), app.roadmap, name="Oak Clinic", region="North", timezone="UTC",
                   joined_on=date(2026, 1, 1), launched_on=date(2026, 6, 1), as_of=TODAY)  # fmt: skip
        # A launched agency missing one of its ongoing stages (as after a restore): the sweep starts it.
        engine = create_engine(database_url)
        with engine.begin() as connection:
            agency_id = connection.execute(select(AgencyRow.id).where(AgencyRow.slug == SLUG)).scalar_one()
            connection.execute(
                delete(StageRow).where(StageRow.agency_id == agency_id, StageRow.stage_key == "consultation")
            )
        engine.dispose()
        plan = plan_sweep(app.uow(), app.roadmap, as_of=TODAY)
        racing = TickWhileTheSweepHoldsItsRead(app, competitor)
        now = datetime(2026, 11, 23, 12, tzinfo=UTC)
        outcome = advance_batch(racing, app.roadmap, app.cadence, app.reminder_rules, [SLUG],  # type: ignore[arg-type]
                                as_of=TODAY, now=now, peers=plan.peers)  # fmt: skip
        racing.tick.join(30)
        assert outcome.stages_started == 1
        with app.uow() as uow:
            agency = uow.agencies.get(SLUG)
            trail = uow.audit.listed(SLUG)
        progress = agency.progress("consultation")
        assert progress is not None and progress.started_on == TODAY  # the sweep's change
        assert agency.checklist.get(TICKED) == TODAY  # the command's change
        ticks = [(e.action, e.key) for e in trail if e.subject is Subject.CHECKLIST]
        assert ticks == [(Action.ADDED, TICKED)]  # and the audit trail never shows the tick undone
        assert not racing.tick.is_alive() and racing.ticked_after >= 1.0  # the tick waited for the sweep
    finally:
        app.close()
        competitor.close()
