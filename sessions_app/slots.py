"""Appointment slots derived from weekly opening hours and exceptions (pure functions, no queries).

A slot is a start time at which `capacity` visitors can be helped at the same time (one per
digihelper on duty). Only opening hours in mode "appointment" or "both" give slots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from sessions_app.models import DeskMode

APPOINTMENT_MODES = frozenset({DeskMode.APPOINTMENT, DeskMode.BOTH})


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int


@dataclass(frozen=True)
class Opening:
    """One block of opening hours on one date (from weekly hours or from an exception)."""

    start_time: dt.time
    end_time: dt.time
    mode: str
    slot_minutes: int
    helpers_on_duty: int


def openings_on(day: dt.date, weekly: Iterable, exception=None) -> list[Opening]:
    """The opening blocks of a location on `day`: the exception replaces the weekly hours."""
    if exception is not None:
        if exception.closed:
            return []
        return [
            Opening(
                exception.start_time,
                exception.end_time,
                exception.mode,
                exception.slot_minutes,
                exception.helpers_on_duty,
            )
        ]
    return [
        Opening(h.start_time, h.end_time, h.mode, h.slot_minutes, h.helpers_on_duty)
        for h in weekly
        if h.weekday == day.weekday()
    ]


def slots_on(day: dt.date, weekly: Iterable, exception=None) -> list[Slot]:
    """Every appointment slot on `day` (aware datetimes in the current time zone)."""
    tz = timezone.get_current_timezone()
    slots = []
    for opening in openings_on(day, weekly, exception):
        if opening.mode not in APPOINTMENT_MODES:
            continue
        start = dt.datetime.combine(day, opening.start_time, tzinfo=tz)
        end = dt.datetime.combine(day, opening.end_time, tzinfo=tz)
        step = dt.timedelta(minutes=opening.slot_minutes)
        while start + step <= end:
            slots.append(Slot(start, start + step, opening.helpers_on_duty))
            start += step
    return sorted(slots, key=lambda s: s.starts_at)


def is_open_on(day: dt.date, weekly: Iterable, exception=None) -> bool:
    return bool(openings_on(day, weekly, exception))
