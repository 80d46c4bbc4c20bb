"""`ips-roadmap trainer ...`: the state's trainers and reviewers, their capacity and their agencies."""

from __future__ import annotations

from typing import Annotated

import typer

from roadmap.cli.agency import AgencySlug
from roadmap.cli.output import print_json, show
from roadmap.cli.state import JsonFlag, cli_state
from roadmap.cli.visit_tables import trainers_table
from roadmap.services import trainers
from roadmap.services.views import trainer_view

app = typer.Typer(
    help="State trainers and reviewers: region, visit days a week, assigned agencies.", no_args_is_help=True
)

TrainerName = Annotated[str, typer.Argument(metavar="NAME", help="The trainer's name, as listed by `trainer list`.")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: TrainerName,
    region: Annotated[str, typer.Option("--region", metavar="TEXT", help="Home region (as agencies name theirs).")],
    capacity: Annotated[
        int, typer.Option("--capacity", metavar="DAYS_PER_WEEK", help="Days a week available for site visits (1-5).")
    ],
    email: Annotated[
        str | None, typer.Option("--email", metavar="ADDR", help="Where their visit reminders go.")
    ] = None,
    reviewer: Annotated[bool, typer.Option("--reviewer", help="Also conducts fidelity reviews.")] = False,
    json: JsonFlag = False,
) -> None:
    """Add a trainer (with an address, they also become a state contact for reminders)."""
    added = trainers.add_trainer(
        cli_state(ctx).app.uow(), name=name, region=region, capacity=capacity, email=email, reviewer=reviewer
    )
    if json:
        print_json(trainer_view(added))
    else:
        print(f"Added {added.roles} {added.name} ({added.region}, {added.capacity} visit days a week).")


@app.command("list")
def list_(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every trainer with region, capacity, roles and agencies."""
    listed = trainers.list_trainers(cli_state(ctx).app.uow())
    if json:
        print_json([trainer_view(trainer) for trainer in listed])
    else:
        show(trainers_table(listed))


@app.command("assign")
def assign(ctx: typer.Context, name: TrainerName, agency: AgencySlug, json: JsonFlag = False) -> None:
    """Make a trainer responsible for an agency's visits (an agency may have several trainers)."""
    trainer, added = trainers.assign(cli_state(ctx).app.uow(), name, agency)
    if json:
        print_json(trainer_view(trainer))
    elif added:
        print(f"{trainer.name} now visits {agency} ({len(trainer.agencies)} agencies).")
    else:
        print(f"{trainer.name} already visits {agency}.")


@app.command("unassign")
def unassign(ctx: typer.Context, name: TrainerName, agency: AgencySlug, json: JsonFlag = False) -> None:
    """Take an agency from a trainer (its visits go to its other trainers, or to any while it has none)."""
    trainer = trainers.unassign(cli_state(ctx).app.uow(), name, agency)
    if json:
        print_json(trainer_view(trainer))
    else:
        print(f"{trainer.name} no longer visits {agency} ({len(trainer.agencies)} agencies).")


@app.command("remove")
def remove(ctx: typer.Context, name: TrainerName, json: JsonFlag = False) -> None:
    """Take a trainer off the state's team; refused while they are on a visit (cancel, or unassign instead)."""
    removed = trainers.remove_trainer(cli_state(ctx).app.uow(), name)
    if json:
        print_json({"removed": removed.name})
    else:
        print(f"{removed.name} removed from the state's team, with their {len(removed.agencies)} agency assignments.")
