"""Explicit mapping between rows and domain agencies."""

from __future__ import annotations

from roadmap.domain.agency import Agency, StageProgress
from roadmap.store.tables import AgencyRow, ChecklistMarkRow, StageRow


def to_domain(row: AgencyRow) -> Agency:
    """The domain agency recorded in a row and its children."""
    return Agency(
        slug=row.slug,
        name=row.name,
        region=row.region,
        timezone=row.timezone,
        joined_on=row.joined_on,
        launched_on=row.launched_on,
        stages={
            stage.stage_key: StageProgress(
                key=stage.stage_key,
                started_on=stage.started_on,
                completed_on=stage.completed_on,
                forced=stage.forced,
                note=stage.note,
            )
            for stage in row.stages
        },
        checklist={mark.item_key: mark.done_on for mark in row.marks},
    )


def write(row: AgencyRow, agency: Agency) -> None:
    """Bring a row and its children in line with the domain agency (the slug never changes)."""
    row.name, row.region, row.timezone = agency.name, agency.region, agency.timezone
    row.joined_on, row.launched_on = agency.joined_on, agency.launched_on
    stages = {stage.stage_key: stage for stage in row.stages}
    for key, progress in agency.stages.items():
        stage = stages.get(key)
        if stage is None:
            stage = StageRow(stage_key=key)
            row.stages.append(stage)
        stage.started_on, stage.completed_on = progress.started_on, progress.completed_on
        stage.forced, stage.note = progress.forced, progress.note
    row.stages[:] = [stage for stage in row.stages if stage.stage_key in agency.stages]
    marks = {mark.item_key: mark for mark in row.marks}
    for key, done_on in agency.checklist.items():
        mark = marks.get(key)
        if mark is None:
            row.marks.append(ChecklistMarkRow(item_key=key, done_on=done_on))
        else:
            mark.done_on = done_on
    row.marks[:] = [mark for mark in row.marks if mark.item_key in agency.checklist]
