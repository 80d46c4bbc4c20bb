"""Two writers changing one agency at the same moment: both changes land, neither overwrites the other.

Each test lets one writer get part-way (it has read what it will change), then has another process's command
make its own change to the same agency, and lets the first go on. Without a lock, the first writes back what it
read and the other's change is lost; with one, the other waits and then reads what the first committed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, delete, select

from roadmap.bootstrap import Application, build
from roadmap.domain.audit import Action, Subject
from roadmap.services.agencies import add_agency, mark_item_done
from roadmap.services.demo import DEMO_REVIEWERS, demo_scores
from roadmap.services.reviews import correct_score, record_review
from roadmap.services.sweep import advance_batch, plan_sweep
from roadmap.services.trainers import add_trainer, assign
from roadmap.services.visits import plan
from roadmap.settings import Settings
from roadmap.store.tables import AgencyRow, StageRow
from tests.conftest import Cli

TODAY = date(2026, 11, 23)
SLUG = "oak-clinic"
TICKED = "readiness.leader-understanding"  # an item of readiness, the stage the agency is in
REVIEWED = date(2026, 10, 1)


class RaceAfter:
    """A unit of work that, once `repository.method` first returns, runs `other` in a thread and waits for it a while.

    Unlocked, the other writer commits at once; locked out, it waits until this unit of work commits.
    """

    def __init__(self, app: Application, repository: str, method: str, other: Callable[[], object]) -> None:
        self._inner = app.uow()
        self._repository, self._method = repository, method
        self.thread = threading.Thread(target=self._run, args=(other,))
        self.started = 0.0
        self.waited = 0.0

    def __enter__(self) -> RaceAfter:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        inner = getattr(self._inner, name)
        return _StartsRace(inner, self._method, self) if name == self._repository else inner

    def start(self) -> None:
        self.started = time.perf_counter()
        self.thread.start()
        self.thread.join(1.5)

    def _run(self, other: Callable[[], object]) -> None:
        other()
        self.waited = time.perf_counter() - self.started

    def finish(self) -> float:
        """Seconds the other writer took from the race's start (it waited for this one when about 1.5)."""
        self.thread.join(30)
        assert not self.thread.is_alive()
        return self.waited


class _StartsRace:
    """A repository whose `method` starts the race the first time it returns."""

    def __init__(self, inner: object, method: str, race: RaceAfter) -> None:
        self._inner, self._method, self._race = inner, method, race

    def __getattr__(self, attribute: str) -> Any:
        found = getattr(self._inner, attribute)
        if attribute != self._method or self._race.started:
            return found

        def then_race(*args: Any, **kwargs: Any) -> Any:
            result = found(*args, **kwargs)
            self._race.start()
            return result

        return then_race


@pytest.fixture
def apps(database_url: str) -> Iterator[tuple[Application, Application]]:
    """Two applications on one new database (as two processes would be), with one launched agency."""
    settings = Settings(database_url=SecretStr(database_url))
    first, second = build(settings), build(settings)
    first.database.upgrade()
    add_agency(first.uow(), first.roadmap, name="Oak Clinic", region="North", timezone="UTC",
               joined_on=date(2026, 1, 1), launched_on=date(2026, 6, 1), as_of=date(2026, 6, 1))  # fmt: skip
    yield first, second
    first.close()
    second.close()


def test_a_sweep_and_a_command_changing_one_agency_at_once_both_land(
    apps: tuple[Application, Application], database_url: str
) -> None:
    app, competitor = apps
    # A launched agency missing one of its ongoing stages (as after a restore): the sweep starts it.
    engine = create_engine(database_url)
    with engine.begin() as connection:
        agency_id = connection.execute(select(AgencyRow.id).where(AgencyRow.slug == SLUG)).scalar_one()
        connection.execute(
            delete(StageRow).where(StageRow.agency_id == agency_id, StageRow.stage_key == "consultation")
        )
    engine.dispose()
    plan = plan_sweep(app.uow(), app.roadmap, app.cadence, app.reminder_rules, as_of=TODAY)

    def tick() -> None:
        mark_item_done(competitor.uow(), competitor.roadmap, SLUG, TICKED, on=TODAY, as_of=TODAY)

    race = RaceAfter(app, "agencies", "many", tick)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    outcome = advance_batch(race, app.roadmap, app.cadence, app.reminder_rules, [SLUG],  # type: ignore[arg-type]
                            as_of=TODAY, now=now, peers=plan.peers)  # fmt: skip
    waited = race.finish()
    assert outcome.stages_started == 1
    with app.uow() as uow:
        agency = uow.agencies.get(SLUG)
        trail = uow.audit.listed(SLUG)
    progress = agency.progress("consultation")
    assert progress is not None and progress.started_on == TODAY  # the sweep's change
    assert agency.checklist.get(TICKED) == TODAY  # the command's change
    ticks = [(e.action, e.key) for e in trail if e.subject is Subject.CHECKLIST]
    assert ticks == [(Action.ADDED, TICKED)]  # and the audit trail never shows the tick undone
    assert waited >= 1.0  # the tick waited for the sweep


def test_two_corrections_of_one_review_at_once_keep_both_scores_and_a_true_total(
    apps: tuple[Application, Application],
) -> None:
    app, other = apps
    scores = demo_scores(100)
    record_review(app.uow(), app.scale, app.cadence, SLUG, visited_on=REVIEWED, scores=scores,
                  reviewers=list(DEMO_REVIEWERS), as_of=TODAY, roadmap=app.roadmap)  # fmt: skip
    first, second = (1, 5 if scores[1] != 5 else 4), (2, 5 if scores[2] != 5 else 4)

    def correct(app: Application, item: int, score: int) -> None:
        correct_score(app.uow(), app.cadence, SLUG, visited_on=REVIEWED, item=item, score=score,
                      reason=f"item {item} re-scored", as_of=TODAY)  # fmt: skip

    # The first correction has written its new score and total, not yet committed, when the second begins.
    race = RaceAfter(app, "actions", "for_agency", lambda: correct(other, *second))
    correct_score(race, app.cadence, SLUG, visited_on=REVIEWED, item=first[0], score=first[1],  # type: ignore[arg-type]
                  reason=f"item {first[0]} re-scored", as_of=TODAY)  # fmt: skip
    race.finish()
    with app.uow() as uow:
        review = next(r for r in uow.reviews.for_agency(SLUG) if r.visited_on == REVIEWED)
        corrections = [e for e in uow.audit.listed(SLUG) if e.action is Action.CORRECTED]
    assert (review.scores[first[0]], review.scores[second[0]]) == (first[1], second[1])
    assert review.total == sum(review.scores.values())  # the stored total is the scores' sum
    # The trail is a chain: the second correction starts from the total the first left.
    assert [e.key for e in corrections] == [f"{REVIEWED} item {first[0]}", f"{REVIEWED} item {second[0]}"]
    assert corrections[0].after is not None and corrections[1].before is not None
    assert corrections[1].before["total"] == corrections[0].after["total"]
    assert corrections[1].after is not None and corrections[1].after["total"] == review.total


def test_two_visit_plans_at_once_book_each_visit_once(apps: tuple[Application, Application]) -> None:
    app, other = apps
    add_trainer(app.uow(), name="Tia Moss", region="North", capacity=3)
    assign(app.uow(), "Tia Moss", SLUG)

    def plan_weeks(app: Application, uow: Any) -> int:
        return len(plan(uow, app.visit_rules, start=TODAY, weeks=8, as_of=TODAY).booked)

    # The first plan has read the state (no visits yet) when the second begins.
    second: list[int] = []
    race = RaceAfter(app, "trainers", "all", lambda: second.append(plan_weeks(other, other.uow())))
    first = plan_weeks(app, race)
    race.finish()
    assert first > 0 and second == [0]  # the second waited, then found every need booked
    with app.uow() as uow:
        visits = uow.visits.listed()
    assert len(visits) == first
    assert len({(v.agency, v.purpose, v.due_on) for v in visits}) == len(visits)  # nothing booked twice


def test_on_sqlite_reading_commands_do_not_wait_for_a_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only writers hold an agency: viewing one while a sweep writes a batch answers at once.
    cli = Cli(f"sqlite:///{tmp_path / 'state.db'}", capsys)
    cli.ok("demo", "--as-of", "2026-11-23")
    monkeypatch.setenv("IPS_ROADMAP_SQLITE_WAIT_SECONDS", "0.5")
    holder = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what a running sweep holds while it writes a batch
        reviews = cli.ok("review", "list", "riverbend-community-mental-health", "--json").json()
        shown = cli.ok("agency", "show", "riverbend-community-mental-health", "--as-of", "2026-11-23", "--json")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert reviews and shown.json()["slug"] == "riverbend-community-mental-health"
