"""The calendar exports (design §9): a night's doses, or daily reminders, as iCalendar.

``icalendar`` is imported only when a calendar is exported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from sleepplan.core import timing
from sleepplan.core.planner import Plan, PlannedDose, plan_for
from sleepplan.core.profile import Profile
from sleepplan.output import DISCLAIMER

if TYPE_CHECKING:
    from icalendar import Event

    from sleepplan.core.catalog import Catalog
    from sleepplan.core.experiments import ExperimentPlan


def export_ics(plan: Plan, profile_name: str, now: dt.datetime) -> bytes:
    """A night's doses as calendar events, each with an alarm at its time."""
    from icalendar import Calendar  # only this export needs it

    calendar = Calendar()
    calendar.add("prodid", "-//sleepplan//sleep-support routine//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"sleepplan: {profile_name}, night of {plan.settings.night}")
    for index, dose in enumerate(plan.rows):
        calendar.add_component(dose_event(dose, plan.settings.night, index, now))
    return bytes(calendar.to_ical())


def dose_event(dose: PlannedDose, night: dt.date, index: int, now: dt.datetime) -> Event:
    """One night's dose as an event with an alarm at its time.

    On an experiment night the night's instruction stands in place of the amount ("Melatonin:
    envelope 7", "Melatonin: none tonight — baseline"): a blinded night never says its arm.
    """
    from icalendar import Event

    what = (
        f"{dose.compound.name}: {dose.experiment.instruction}"
        if dose.experiment is not None
        else f"{dose.compound.name} {dose.amount_mg:g} mg"
    )
    event = Event()
    event.add("uid", f"{night}-{index}-{dose.compound.id}@sleepplan")
    start = dose.at.astimezone(dt.UTC)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", timing.shift(start, minutes=5))
    event.add("summary", what if dose.experiment is not None else f"Take {what}")
    event.add("description", f"{dose.why}. {DISCLAIMER}")
    return _with_alarm(event, what)


def export_ics_daily(
    plan: Plan,
    profile_name: str,
    now: dt.datetime,
    skip_nights: Mapping[str, Collection[dt.date]] | None = None,
    one_off_events: Iterable[Event] = (),
) -> bytes:
    """The routine's doses and a morning check-in, every day, as recurring calendar events.

    ``plan`` is the first night's, planned with the profile's usual times. Each reminder
    repeats daily (RRULE) at the same local wall time: its start carries the zone's TZID,
    described by a VTIMEZONE the icalendar library builds from the zone's rules, so 22:15 stays
    22:15 when the clocks change. UIDs are stable per profile and dose, so importing a newer
    export into a calendar updates the reminders instead of adding a second set.

    Args:
        plan: The first night's plan.
        profile_name: Whose reminders these are (part of every UID).
        now: The export's instant (DTSTAMP).
        skip_nights: Nights left out of a compound's daily series (EXDATE), by compound id,
            for nights planned differently; their events go in ``one_off_events``.
        one_off_events: Events added as they are, e.g. one night's instruction.
    """
    from icalendar import Calendar  # only this export needs it

    calendar = Calendar()
    calendar.add("prodid", "-//sleepplan//sleep-support routine//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"sleepplan: {profile_name}, daily reminders")
    for event in daily_events(plan, profile_name, now, skip_nights):
        calendar.add_component(event)
    for event in one_off_events:
        calendar.add_component(event)
    first = plan.settings.night
    # the library writes each change of offset in a range: from the first night to 20 years on
    calendar.add_missing_timezones(
        first_date=first - dt.timedelta(days=1), last_date=dt.date(first.year + 20, 1, 1)
    )
    return bytes(calendar.to_ical())


def experiment_nights(
    profile: Profile,
    catalog: Catalog,
    experiments: Iterable[ExperimentPlan],
    first: dt.date,
    zone: str,
    now: dt.datetime,
) -> tuple[dict[str, list[dt.date]], list[Event]]:
    """Experiment nights from ``first`` on, for the daily .ics.

    Returns the nights each compound's daily series leaves out (EXDATE) and a one-off event
    per such night carrying its instruction ("envelope 7", "none tonight — baseline").
    ``experiments`` are full plans (their sealed schedules read by the caller).
    """
    skip: dict[str, list[dt.date]] = {}
    events = []
    for full in experiments:
        for item in full.schedule:
            if item.night < first:
                continue
            plan = plan_for(profile, catalog, item.night, zone, experiments=[full])
            for index, dose in enumerate(plan.rows if plan else ()):
                if dose.experiment is not None and dose.compound.id == full.compound:
                    skip.setdefault(full.compound, []).append(item.night)
                    events.append(dose_event(dose, item.night, index, now))
    return skip, events


def daily_events(
    plan: Plan,
    profile_name: str,
    now: dt.datetime,
    skip_nights: Mapping[str, Collection[dt.date]] | None = None,
) -> list[Event]:
    """One daily event per dose of ``plan`` and one for the morning check-in, each alarmed."""
    zone = timing.zone(plan.settings.zone)
    events = []
    seen: dict[str, int] = {}
    for dose in sorted(plan.doses, key=lambda item: item.routine_index):
        compound = dose.compound.id
        # a compound twice in a routine: numbered in routine order, so each keeps its UID
        seen[compound] = seen.get(compound, 0) + 1
        start = dose.at.astimezone(zone)
        event = _daily_event(
            _stable_uid("dose", profile_name, compound, str(seen[compound])),
            start,
            now,
            f"Take {dose.compound.name} {dose.amount_mg:g} mg",
            f"Every day, from the sleepplan routine {plan.routine_name}: {dose.why}. {DISCLAIMER}",
        )
        skipped = sorted((skip_nights or {}).get(compound, ()))
        if skipped:
            # the occurrence of a night: same wall time, the same days after the night's date
            event.add(
                "exdate",
                [start + (night - plan.settings.night) for night in skipped],
            )
        events.append(event)
    wake = plan.wake.astimezone(zone)
    events.append(
        _daily_event(
            _stable_uid("checkin", profile_name),
            wake,
            now,
            "Morning check-in: how did you sleep?",
            f"Every morning at your usual wake time: record last night in sleepplan "
            f"(Morning check-in, key m). {DISCLAIMER}",
        )
    )
    return events


def _daily_event(
    uid: str, start: dt.datetime, now: dt.datetime, summary: str, description: str
) -> Event:
    """An event repeating every day from ``start`` (local wall time), alarmed at its start."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=5))  # wall-clock arithmetic: same zone
    event.add("rrule", {"freq": "daily"})
    event.add("summary", summary)
    event.add("description", description)
    return _with_alarm(event, summary)


def _with_alarm(event: Event, text: str) -> Event:
    """The event with an alarm that shows ``text`` when it starts."""
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", dt.timedelta(minutes=0))
    event.add_component(alarm)
    return event


def _stable_uid(kind: str, profile_name: str, *parts: str) -> str:
    """A UID the same in every export of this profile's ``kind`` of reminder, and no other's.

    Hashed: a profile name or compound id may hold any character, a UID should not.
    """
    digest = hashlib.sha256("\0".join((profile_name, *parts)).encode("utf-8")).hexdigest()
    return f"sleepplan-{kind}-{digest[:32]}@sleepplan"
