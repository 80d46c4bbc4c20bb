"""A realistic state for visit planning: 36 agencies in four regions at three points of the roadmap, 9 trainers."""

from __future__ import annotations

from datetime import date

from roadmap.bootstrap import build
from roadmap.services.demo import DemoAgency, kept_routines, play_agency
from roadmap.services.records import Records
from roadmap.settings import load_settings
from tests.conftest import Cli

REGIONS = (
    ("North", "America/Chicago"),
    ("South", "America/Chicago"),
    ("East", "America/New_York"),
    ("West", "America/Denver"),
)
# Name, home region, visit days a week, reviewer: two trainers per region, and a reviewer with no agencies.
TRAINERS = (
    ("Ana Ruiz", "North", 3, True),
    ("Ned Cole", "North", 3, False),
    ("Ben Okafor", "South", 3, True),
    ("Sia Grant", "South", 3, False),
    ("Cleo Park", "East", 3, False),
    ("Eve Moss", "East", 3, False),
    ("Dev Shah", "West", 3, False),
    ("Wes Hale", "West", 3, False),
    ("Rae Lund", "North", 2, True),
)
# Joined last week: no trainer assigned yet, so its visits are reported, not planned.
UNASSIGNED = "west-agency-35"


def agency_specs() -> list[DemoAgency]:
    """Per region: three agencies structuring their program, three in skills training, three launched."""
    specs = []
    for number in range(36):
        region, zone = REGIONS[number % 4]
        name = f"{region} Agency {number:02d}"
        match number // 4 % 3:
            case 0:  # in `structure`: trainer at the vocational unit and treatment team meetings
                specs.append(DemoAgency(name, region, zone, 300 + number, 4))
            case 1:  # in `training`: those meetings plus field mentoring
                specs.append(DemoAgency(name, region, zone, 420 + number, 6))
            case _:  # launched: steering team, leader consultation, reviews falling due over the coming weeks
                specs.append(DemoAgency(name, region, zone, 700 + number, 7, launched_days_ago=140 + number))
    return specs


def realistic_state(cli: Cli, as_of: date) -> dict[str, str]:
    """Agencies (routines kept up to today) built through the real rules, trainers added and assigned by the CLI.

    Returns each agency's region by slug.
    """
    app = build(load_settings(cli.url))
    try:
        app.database.upgrade()
        with app.uow() as uow:
            for spec in agency_specs():
                uow.agencies.add(play_agency(spec, app.roadmap, as_of))
            records = Records.read(uow)
            for agency in uow.agencies.all():
                for routine, occurrence in kept_routines(records.context(agency, app.roadmap, app.cadence), as_of):
                    uow.routines.add(agency.slug, routine, occurrence)
            uow.commit()
    finally:
        app.close()
    for name, region, capacity, reviewer in TRAINERS:
        email = ["--email", name.lower().replace(" ", ".") + "@state.example.org"]
        cli.ok(
            "trainer",
            "add",
            name,
            "--region",
            region,
            "--capacity",
            str(capacity),
            *email,
            *(["--reviewer"] if reviewer else []),
        )
    regions = {agency["slug"]: agency["region"] for agency in cli.ok("agency", "list", "--json").json()}
    cli.ok("trainer", "assign", TRAINERS[0][0], "north-agency-00")  # the command itself; the rest in one go
    app = build(load_settings(cli.url))
    try:
        with app.uow() as uow:
            for slug, region in regions.items():
                for name, home, _, _ in TRAINERS[:8]:
                    if home == region and slug != UNASSIGNED:
                        uow.trainers.assign(name, slug)
            uow.commit()
    finally:
        app.close()
    return regions
