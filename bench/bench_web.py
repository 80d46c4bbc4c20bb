"""Server time of every web page with N agencies (the issue's bar: under 200 ms at 1,000).

The state is the sweep benchmark's (agencies that joined in 2023, a third launched in 2025 with two reviews and
action plans each). Each page is requested through the ASGI app in-process (no network), 7 times; the median is
printed with the bare SQL the page cannot avoid (reading the rows it shows) and the ratio.
Run: `make bench` (BENCH_WEB_AGENCIES="1000" to change N; BENCH_POSTGRES_URL to add PostgreSQL).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from bench_agencies import on_each_database
from bench_sweep import build_state
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from roadmap.bootstrap import Application, build
from roadmap.domain.trainer import Trainer
from roadmap.services import visits
from roadmap.services.due import prepare_due_list
from roadmap.services.users import add_user, issue_sign_in
from roadmap.settings import Settings
from roadmap.store.tables import (
    ActionRow,
    AgencyRow,
    ChecklistMarkRow,
    ContactRow,
    DueEntryRow,
    DueStandingRow,
    OutboxRow,
    ReviewRow,
    RoutineDoneRow,
    ScoreRow,
    StageRow,
    VisitRow,
)
from roadmap.web.app import create_app, settle_heap

TODAY = date(2026, 11, 23)
RUNS = 7
AGENCY = "agency-00003"  # launched, with two reviews and an action plan
TRAINER = "Trainer 03-0"  # a third of region 3's agencies, with visits booked
REGIONS = 12  # as bench_sweep spreads them


def median_ms(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bare(url: str, tables: tuple[type, ...]) -> Callable[[], object]:
    engine = create_engine(url)

    def read() -> None:
        with engine.connect() as connection:
            for table in tables:
                connection.execute(select(table.__table__)).all()  # type: ignore[attr-defined]

    return read


def add_trainers(app: Application, count: int) -> None:
    """Three trainers per region, each agency assigned to its region's three, and four weeks of visits booked."""
    with app.uow() as uow:
        for region in range(REGIONS):
            for seat in range(3):
                uow.trainers.add(Trainer(name=f"Trainer {region:02d}-{seat}", region=f"Region {region}", capacity=4))
        for number in range(count // 12):
            uow.trainers.add(Trainer(name=f"Reviewer {number}", region="Statewide", capacity=4, reviewer=True))
        for number in range(count):
            for seat in range(3):
                uow.trainers.assign(f"Trainer {number % REGIONS:02d}-{seat}", f"agency-{number:05d}")
        uow.commit()
    visits.plan(app.uow(), app.visit_rules, start=TODAY, weeks=4, as_of=TODAY)


def run(label: str, url: str, count: int) -> None:
    build_state(url, count)
    app = build(Settings(database_url=url))  # type: ignore[arg-type]
    add_trainers(app, count)
    # Signed in as the state's admin, as a person is: every page pays for its session's lookup and keep-alive.
    add_user(app.uow(), "lead@state.example", name="State lead", role="admin")
    _, secret = issue_sign_in(app.uow(), "lead@state.example", now=datetime.now(UTC))
    client = TestClient(create_app(app, as_of=TODAY, local_port=8000), base_url="http://127.0.0.1:8000")
    confirm = client.get(f"/sign-in/{secret}")
    token = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    assert token is not None
    signed = client.post(f"/sign-in/{secret}", data={"csrf": token.group(1)},
                         headers={"Origin": "http://127.0.0.1:8000"}, follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303, signed.text
    # As the morning's sweep leaves a day: the due list (and the positions the overview counts) worked out.
    prepare_due_list(app.uow(), app.roadmap, app.cadence, as_of=TODAY)
    settle_heap()  # as `ips-roadmap web` does before it serves
    everything = (AgencyRow, StageRow, ChecklistMarkRow, ReviewRow)
    pages = {
        "/ (state overview)": ("/", (*everything, OutboxRow)),
        # Read from the kept due entries (a page of them, the counts, and which agencies are stale).
        "/due (what is due)": ("/due", (AgencyRow, DueEntryRow, DueStandingRow, ContactRow)),
        f"/agencies/{AGENCY}": (f"/agencies/{AGENCY}", (*everything, ActionRow)),
        f"/agencies/{AGENCY}/report": (f"/agencies/{AGENCY}/report", (AgencyRow, ReviewRow, ScoreRow)),
        f"/trainers/{TRAINER}": (f"/trainers/{TRAINER}", (*everything, VisitRow, RoutineDoneRow)),
        "/api/agencies (a page of 100)": ("/api/agencies", everything),
        f"/api/agencies?limit={min(count, 1000)} (largest page)": (
            f"/api/agencies?limit={min(count, 1000)}",
            everything,
        ),
        f"/api/agencies/{AGENCY}": (f"/api/agencies/{AGENCY}", everything),
    }
    for name, (path, tables) in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        served = median_ms(lambda path=path: client.get(path))  # type: ignore[misc]
        minimum = median_ms(bare(url, tables))
        print(f"{label:10} {count:6,} agencies  {name:40} {served:7.1f} ms  (bare SQL {minimum:5.1f} ms, "
              f"ratio {served / minimum:5.1f}, {len(response.content) / 1024:6.0f} KB)")  # fmt: skip
    due_after_changes(label, count, app, client)
    app.close()


def due_after_changes(label: str, count: int, app: Application, client: TestClient) -> None:
    """/due when its kept entries are stale: after one agency changes (that agency is worked out again), and on
    the first view of a new day (every agency is); the overview on a day nobody swept (every agency measured
    live); each timed once per run as it happens in use."""
    once: dict[str, list[float]] = {
        "/due after one agency changes": [], "/due, first view of a day": [], "/, a view of a day nobody swept": []
    }  # fmt: skip
    for run in range(RUNS):
        with app.uow() as uow:
            agency = uow.agencies.get(f"agency-{run:05d}")
            uow.agencies.save(agency.model_copy(update={"name": f"{agency.name} "}))
            uow.commit()
        start = time.perf_counter()
        client.get("/due")
        once["/due after one agency changes"].append(time.perf_counter() - start)
    # The overview measures the agencies it finds stale and writes nothing (each view of such a day pays); /due
    # works them out and keeps them (its first view pays).
    for path, name in (("/", "/, a view of a day nobody swept"), ("/due", "/due, first view of a day")):
        for run in range(3):
            day = TODAY.replace(day=TODAY.day + run + 1)
            other = TestClient(create_app(app, as_of=day, local_port=8000), base_url="http://127.0.0.1:8000",
                               cookies=client.cookies)  # fmt: skip
            start = time.perf_counter()
            assert other.get(path).status_code == 200
            once[name].append(time.perf_counter() - start)
    for name, times in once.items():
        print(f"{label:10} {count:6,} agencies  {name:40} {statistics.median(times) * 1000:7.1f} ms  "
              f"(median of {len(times)})")  # fmt: skip


def main() -> None:
    on_each_database("BENCH_WEB_AGENCIES", "1000", run)


if __name__ == "__main__":
    main()
