"""How long planning four weeks of trainer visits takes for a large state, and how much grouping saves.

A state of N agencies in 20 regions (15% structuring their program, 15% in skills training, the rest launched
over the last year and a half, their first reviews due or overdue), three trainers per region and one reviewer
per 12 agencies. `visits plan` is timed as a user runs it (read, derive needs, plan, plan the naive comparison,
save), and compared with the bare SQL work it cannot avoid: reading the rows it needs and inserting the visits it
booked, with SQLAlchemy Core.
Run: `make bench` (BENCH_VISIT_AGENCIES="1000" to change N; BENCH_POSTGRES_URL to add PostgreSQL).
"""

from __future__ import annotations

import time
from datetime import date

from bench_agencies import on_each_database
from sqlalchemy import create_engine, insert, select

from roadmap.bootstrap import build
from roadmap.domain.trainer import Trainer
from roadmap.services import visits
from roadmap.services.demo import DemoAgency, kept_routines, play_agency
from roadmap.services.records import Records
from roadmap.settings import Settings
from roadmap.store.tables import (
    AgencyRow,
    ChecklistMarkRow,
    ReviewRow,
    RoutineDoneRow,
    StageRow,
    TrainerAgencyRow,
    TrainerRow,
    VisitRow,
    VisitTrainerRow,
)

TODAY = date(2026, 11, 23)
REGIONS = 20
SEATS = 3  # trainers per region
WEEKS = 4


def build_state(url: str, count: int) -> None:
    """N agencies through the real progression rules, routines kept until today, trainers assigned by region."""
    app = build(Settings(database_url=url))  # type: ignore[arg-type]
    app.database.upgrade()
    with app.uow() as uow:
        for number in range(count):
            region = f"Region {number % REGIONS:02d}"
            name = f"Agency {number:05d}"
            match number // REGIONS % 20:
                case 0 | 1 | 2:
                    spec = DemoAgency(name, region, "America/Chicago", 300 + number % 50, 4)
                case 3 | 4 | 5:
                    spec = DemoAgency(name, region, "America/Chicago", 420 + number % 50, 6)
                case _:
                    spec = DemoAgency(name, region, "America/Chicago", 900, 7, launched_days_ago=120 + number % 360)
            uow.agencies.add(play_agency(spec, app.roadmap, TODAY))
        records = Records.read(uow)
        for agency in uow.agencies.all():
            for routine, occurrence in kept_routines(records.context(agency, app.roadmap, app.cadence), TODAY):
                uow.routines.add(agency.slug, routine, occurrence)
        for region in range(REGIONS):
            for seat in range(SEATS):
                name = f"Trainer {region:02d}-{seat}"
                uow.trainers.add(Trainer(name=name, region=f"Region {region:02d}", capacity=4))
        for number in range(max(2, count // 12)):
            uow.trainers.add(Trainer(name=f"Reviewer {number}", region="Statewide", capacity=4, reviewer=True))
        for number in range(count):
            for seat in range(SEATS):
                uow.trainers.assign(f"Trainer {number % REGIONS:02d}-{seat}", f"agency-{number:05d}")
        uow.commit()
    app.close()


def bare_plan(url: str, booked: int) -> float:
    """Read what planning reads, insert as many visits (and their trainer rows) as it booked; seconds."""
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.begin() as connection:
        for table in (AgencyRow, StageRow, ChecklistMarkRow, RoutineDoneRow, TrainerRow, TrainerAgencyRow, VisitRow):
            connection.execute(select(table.__table__)).all()
        connection.execute(select(ReviewRow.agency_id, ReviewRow.visited_on, ReviewRow.total)).all()
        row = {"purpose": "treatment-team-visit", "agency_id": 1, "region": "Region 00", "starts_on": TODAY,
               "days": 1, "slot": 0, "due_on": TODAY, "status": "planned", "sequence": 0}  # fmt: skip
        if booked:
            first = connection.execute(insert(VisitRow).returning(VisitRow.id), [row] * booked).scalars().all()
            people = [{"visit_id": visit_id, "trainer_id": 1, "position": 0} for visit_id in first]
            connection.execute(insert(VisitTrainerRow), people)
        connection.rollback()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def run(label: str, url: str, count: int) -> None:
    started = time.perf_counter()
    build_state(url, count)
    built = time.perf_counter() - started
    app = build(Settings(database_url=url))  # type: ignore[arg-type]
    start = time.perf_counter()
    result = visits.plan(app.uow(), app.visit_rules, start=TODAY, weeks=WEEKS, as_of=TODAY)
    seconds = time.perf_counter() - start
    app.close()
    bare = bare_plan(url, len(result.booked))
    print(
        f"{label:10} {count:6,} agencies  built in {built:6.1f} s  |  plan {WEEKS} weeks: {seconds:6.2f} s "
        f"(bare SQL {bare:5.2f} s, ratio {seconds / bare:5.1f})  |  {len(result.booked):,} visits, "
        f"{len(result.unmet):,} unmet  |  trip days {result.trip_days:,} grouped, "
        f"{result.naive_trip_days:,} one agency per day ({result.naive_unmet:,} unmet)"
    )


def main() -> None:
    on_each_database("BENCH_VISIT_AGENCIES", "1000", run)


if __name__ == "__main__":
    main()
