"""Benchmark indicator 10 (slot occupancy) and the digipunt day view on PostgreSQL.

Scale: 40 digipunten with weekly appointment hours, one year of appointments (about 56,000),
a few closures. Run against an EMPTY scratch database (it creates and keeps its data):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/digibank_bench_sessions
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/sessions_slot_occupancy.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from digibank.models import Digibank, Location  # noqa: E402
from registration.models import Visitor  # noqa: E402
from registration.services import assign_visitor_code, visitor_refresh_identity  # noqa: E402
from sessions_app import selectors  # noqa: E402
from sessions_app.models import (  # noqa: E402
    Appointment,
    AppointmentStatus,
    DeskMode,
    OpeningException,
    OpeningHours,
)
from sessions_app.slots import slots_on  # noqa: E402

LOCATIONS = 40
YEAR_START = dt.date(2025, 1, 1)
DAYS = 365


def seed() -> Digibank:
    rng = random.Random(7)
    digibank, created = Digibank.objects.get_or_create(slug="bench-sessions", name="Bench")
    if not created:
        return digibank
    visitors = []
    for i in range(2000):
        visitor = Visitor(digibank=digibank, first_name=f"V{i}", last_name="Bench", birth_year=1950)
        assign_visitor_code(visitor)
        visitor_refresh_identity(visitor)
        visitors.append(visitor)
    Visitor.objects.bulk_create(visitors, batch_size=1000)
    visitor_ids = list(Visitor.objects.filter(digibank=digibank).values_list("pk", flat=True))
    locations = Location.objects.bulk_create(
        Location(digibank=digibank, name=f"Digipunt {i}", slug=f"dp-{i}") for i in range(LOCATIONS)
    )
    hours = []
    for location in locations:
        for weekday in rng.sample(range(5), 3):
            hours.append(
                OpeningHours(
                    digibank=digibank,
                    location=location,
                    weekday=weekday,
                    start_time=dt.time(9),
                    end_time=dt.time(12),
                    mode=DeskMode.BOTH,
                    slot_minutes=30,
                    helpers_on_duty=2,
                )
            )
    OpeningHours.objects.bulk_create(hours)
    OpeningException.objects.bulk_create(
        OpeningException(
            digibank=digibank,
            location=location,
            date=YEAR_START + dt.timedelta(days=d),
            closed=True,
        )
        for location in locations
        for d in rng.sample(range(DAYS), 5)
    )
    weekly = {}
    for h in hours:
        weekly.setdefault(h.location_id, []).append(h)
    appointments = []
    statuses = [AppointmentStatus.ATTENDED] * 7 + [
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.BOOKED,
    ]
    for offset in range(DAYS):
        day = YEAR_START + dt.timedelta(days=offset)
        for location in locations:
            for slot in slots_on(day, weekly[location.pk]):
                for place in (1, 2):
                    if rng.random() < 0.75:
                        appointments.append(
                            Appointment(
                                digibank=digibank,
                                location=location,
                                visitor_id=rng.choice(visitor_ids),
                                starts_at=slot.starts_at,
                                ends_at=slot.ends_at,
                                place=place,
                                question="bench",
                                status=rng.choice(statuses),
                                booked_by_role="volunteer",
                            )
                        )
    Appointment.objects.bulk_create(appointments, batch_size=5000)
    return digibank


def measure(label: str, func, repeat: int = 5) -> None:
    func()  # warm up
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            func()
            timings.append(time.perf_counter() - start)
    timings.sort()
    print(f"{label:<52} median {timings[len(timings) // 2] * 1000:8.1f} ms  queries {len(queries)}")


def main() -> None:
    with timezone.override("Europe/Brussels"):
        digibank = seed()
        count = Appointment.objects.filter(digibank=digibank).count()
        location = Location.objects.filter(digibank=digibank).first()
        print(f"{LOCATIONS} locations, {count} appointments over {DAYS} days")
        measure(
            "indicator 10, one year, all locations",
            lambda: selectors.indicator_slot_occupancy(
                digibank_ids=[digibank.pk],
                start=YEAR_START,
                end=YEAR_START + dt.timedelta(days=DAYS - 1),
            ),
        )
        measure(
            "indicator 10, one quarter, one location",
            lambda: selectors.indicator_slot_occupancy(
                digibank_ids=[digibank.pk],
                start=YEAR_START,
                end=YEAR_START + dt.timedelta(days=89),
                location_id=location.pk,
            ),
        )
        busy_day = (
            Appointment.objects.filter(location=location)
            .values_list("starts_at", flat=True)
            .first()
        )
        measure(
            "day view of one digipunt",
            lambda: selectors.day_view(location=location, day=timezone.localtime(busy_day).date()),
        )


if __name__ == "__main__":
    main()
