"""Explicit mapping between rows and domain agencies."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roadmap.domain.agency import Agency, StageProgress
from roadmap.domain.errors import NotFound
from roadmap.store.plain import plain
from roadmap.store.tables import AgencyRow, ChecklistMarkRow, StageRow


def write(row: AgencyRow, agency: Agency) -> None:
    """Bring a row and its children in line with the domain agency (the slug never changes)."""
    row.name, row.region, row.timezone = agency.name, agency.region, agency.timezone
    row.joined_on, row.launched_on, row.tracked_from = agency.joined_on, agency.launched_on, agency.tracked_from
    row.archived_on, row.archive_reason = agency.archived_on, agency.archive_reason
    stages = {stage.stage_key: stage for stage in row.stages}
    for key, progress in agency.stages.items():
        stage = stages.get(key)
        if stage is None:
            stage = StageRow(stage_key=key)
            row.stages.append(stage)
        stage.started_on, stage.completed_on = progress.started_on, progress.completed_on
        stage.forced, stage.note, stage.before_tracking = progress.forced, progress.note, progress.before_tracking
    row.stages[:] = [stage for stage in row.stages if stage.stage_key in agency.stages]
    marks = {mark.item_key: mark for mark in row.marks}
    for key, done_on in agency.checklist.items():
        mark = marks.get(key)
        if mark is None:
            row.marks.append(ChecklistMarkRow(item_key=key, done_on=done_on))
        else:
            mark.done_on = done_on
    row.marks[:] = [mark for mark in row.marks if mark.item_key in agency.checklist]


def agency_values(agency: Agency) -> dict[str, Any]:
    """A new agency's own row, as an INSERT takes it."""
    return {
        "slug": agency.slug, "name": agency.name, "region": agency.region, "timezone": agency.timezone,
        "joined_on": agency.joined_on, "launched_on": agency.launched_on, "tracked_from": agency.tracked_from,
        "archived_on": agency.archived_on, "archive_reason": agency.archive_reason, "generation": 0,
    }  # fmt: skip


def stage_values(agency_id: int, progress: StageProgress) -> dict[str, Any]:
    """One stage row of a new agency, as an INSERT takes it."""
    return {
        "agency_id": agency_id, "stage_key": progress.key, "started_on": progress.started_on,
        "completed_on": progress.completed_on, "forced": progress.forced, "note": progress.note,
        "before_tracking": progress.before_tracking,
    }  # fmt: skip


def agency_of(row: AgencyRow) -> Agency:
    """The domain agency a loaded row (with its stages and marks) holds."""
    stages = {
        stage.stage_key: StageProgress(
            key=stage.stage_key,
            started_on=stage.started_on,
            completed_on=stage.completed_on,
            forced=stage.forced,
            note=stage.note,
            before_tracking=stage.before_tracking,
        )
        for stage in row.stages
    }
    return Agency(
        slug=row.slug,
        name=row.name,
        region=row.region,
        timezone=row.timezone,
        joined_on=row.joined_on,
        launched_on=row.launched_on,
        tracked_from=row.tracked_from,
        archived_on=row.archived_on,
        archive_reason=row.archive_reason,
        stages=stages,
        checklist={mark.item_key: mark.done_on for mark in row.marks},
    )


def read_agencies(session: Session, slugs: Collection[str] | None = None) -> list[Agency]:
    """Agencies (all, or these slugs) by slug order, in three plain queries rather than ORM objects.

    A sweep reads every agency every day; building ORM rows for their stages and checklist marks cost
    more than everything else it does.
    """
    agencies = select(AgencyRow.id, AgencyRow.slug, AgencyRow.name, AgencyRow.region, AgencyRow.timezone,
                      AgencyRow.joined_on, AgencyRow.launched_on, AgencyRow.tracked_from, AgencyRow.archived_on,
                      AgencyRow.archive_reason)  # fmt: skip
    stages = select(StageRow.agency_id, StageRow.stage_key, StageRow.started_on, StageRow.completed_on,
                    StageRow.forced, StageRow.note, StageRow.before_tracking)  # fmt: skip
    marks = select(ChecklistMarkRow.agency_id, ChecklistMarkRow.item_key, ChecklistMarkRow.done_on)
    if slugs is not None:
        ids = select(AgencyRow.id).where(AgencyRow.slug.in_(slugs))
        agencies = agencies.where(AgencyRow.slug.in_(slugs))
        stages = stages.where(StageRow.agency_id.in_(ids))
        marks = marks.where(ChecklistMarkRow.agency_id.in_(ids))
    # Rows are built without validating them again: every one was validated as a domain object before it was
    # written (a restore brings back rows this product wrote), and a listing of ten thousand agencies builds a
    # hundred thousand of them.
    progress: dict[int, dict[str, StageProgress]] = {}
    for agency_id, key, started_on, completed_on, forced, note, before_tracking in plain(session, stages):
        progress.setdefault(agency_id, {})[key] = StageProgress.model_construct(
            key=key, started_on=started_on, completed_on=completed_on, forced=forced, note=note,
            before_tracking=before_tracking,
        )  # fmt: skip
    checklist: dict[int, dict[str, date]] = {}
    for agency_id, key, done_on in plain(session, marks):
        checklist.setdefault(agency_id, {})[key] = done_on
    return [
        Agency.model_construct(
            slug=slug,
            name=name,
            region=region,
            timezone=timezone,
            joined_on=joined_on,
            launched_on=launched_on,
            stages=progress.get(agency_id, {}),
            tracked_from=tracked_from,
            archived_on=archived_on,
            archive_reason=archive_reason,
            checklist=checklist.get(agency_id, {}),
        )
        for (
            agency_id,
            slug,
            name,
            region,
            timezone,
            joined_on,
            launched_on,
            tracked_from,
            archived_on,
            archive_reason,
        ) in plain(session, agencies.order_by(AgencyRow.slug))
    ]


def agency_row_id(session: Session, slug: str) -> int:
    """The row id of an agency, by slug (NotFound when there is none)."""
    found = session.scalars(select(AgencyRow.id).where(AgencyRow.slug == slug)).one_or_none()
    if found is None:
        raise NotFound(f"unknown agency {slug!r}")
    return found
