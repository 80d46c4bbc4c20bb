"""Booked visits as an iCalendar file (RFC 5545), for a trainer's or an agency's calendar program.

Each day of a visit is one event whose UID is built from the database's calendar id, the visit id and the day,
so importing a newer export updates events instead of adding copies. Cancelled visits stay in the file with
STATUS:CANCELLED and a higher SEQUENCE, which tells calendar programs to remove them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from roadmap.domain.visit import Visit, VisitPolicy, VisitStatus

_STATUS = {VisitStatus.PLANNED: "CONFIRMED", VisitStatus.DONE: "CONFIRMED", VisitStatus.CANCELLED: "CANCELLED"}


def event_uid(calendar_id: str, visit: Visit, day: int) -> str:
    """Stable across exports: the same visit day always has the same UID."""
    return f"visit-{visit.id}-day{day + 1}-{calendar_id}@ips-roadmap"


def visits_calendar(
    visits: Sequence[Visit],
    *,
    title: str,
    calendar_id: str,
    policy: VisitPolicy,
    names: Mapping[str, str],
    timezones: Mapping[str, str],
    state_timezone: str,
    titles: Mapping[str, str],
    stamp: datetime,
) -> bytes:
    """The .ics bytes: one event per visit day, at the visit's hours in the agency's own timezone."""
    from icalendar import Calendar, Event  # here: only calendar exports and feeds load it

    calendar = Calendar()
    calendar.add("prodid", "-//ips-roadmap//visit plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    for visit in visits:
        zone = ZoneInfo(timezones.get(visit.agency or "", state_timezone))
        begins, ends = policy.hours(visit.slot, visit.whole_days)
        where = names.get(visit.agency or "", "Statewide")
        what = titles.get(visit.purpose, visit.purpose)
        for index, day in enumerate(visit.dates):
            event = Event()
            event.add("uid", event_uid(calendar_id, visit, index))
            event.add("dtstamp", stamp)
            event.add("dtstart", datetime.combine(day, begins, zone))
            event.add("dtend", datetime.combine(day, ends, zone))
            suffix = f" (day {index + 1} of {visit.days})" if visit.days > 1 else ""
            event.add("summary", f"{what} — {where}{suffix}")
            event.add("location", f"{where}, {visit.region}" if visit.agency else where)
            event.add(
                "description",
                f"Visit {visit.id}: {', '.join(visit.trainers)}. Due by {visit.due_on.isoformat()}. "
                f"Record it with `ips-roadmap visits done {visit.id} --on DATE`.",
            )
            event.add("status", _STATUS[visit.status])
            event.add("sequence", visit.sequence)
            calendar.add_component(event)
    calendar.add_missing_timezones()
    text: bytes = calendar.to_ical()
    return text
