"""Benchmark indicator 11 (`lending.selectors.indicator_loans`) and the desk counts.

    DATABASE_URL=postgres://... python benchmarks/lending_indicator.py --loans 50000

Creates one digibank with the given number of loans (all device types, every state) inside a
transaction that is rolled back at the end, so the database is left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from digibank.models import Digibank, Location  # noqa: E402
from lending.models import Device, DeviceType, Loan, LoanExtension  # noqa: E402
from lending.selectors import desk_counts, indicator_loans  # noqa: E402
from registration.models import Visitor  # noqa: E402


def build(n_loans: int, rng: random.Random) -> Digibank:
    digibank = Digibank.objects.create(slug=f"bench-lending-{rng.randint(0, 10**9)}", name="Bench")
    location = Location.objects.create(digibank=digibank, name="Bench", slug="bench")
    visitors = Visitor.objects.bulk_create(
        Visitor(
            digibank=digibank,
            first_name=f"V{i}",
            last_name="Bench",
            birth_year=1960,
            visitor_code=f"B{i:06d}",
            pseudonymous_code=f"P{i}",
        )
        for i in range(n_loans // 2)
    )
    types = DeviceType.values
    devices = Device.objects.bulk_create(
        Device(
            digibank=digibank,
            type=types[i % len(types)],
            brand="Bench",
            serial_number=f"S{i}",
            asset_tag=f"A{i}",
            source="purchased_new",
        )
        for i in range(n_loans)
    )
    today = timezone.localdate()
    loans = []
    for i, device in enumerate(devices):
        start = today - dt.timedelta(days=rng.randint(0, 900))
        due = start + dt.timedelta(days=rng.choice([90, 182, 365, 730]))
        fate = rng.random()
        returned = lost = None
        status = "active"
        if fate < 0.55:
            returned = min(today, start + dt.timedelta(days=rng.randint(0, 800)))
            status = "returned"
        elif fate < 0.58:
            lost = min(today, start + dt.timedelta(days=rng.randint(0, 400)))
            status = "lost"
        loans.append(
            Loan(
                digibank=digibank,
                visitor=visitors[i % len(visitors)],
                device_type=device.type,
                device=device,
                status=status,
                location=location,
                requested_at=timezone.now(),
                term="12m",
                start_date=start,
                due_date=due,
                returned_on=returned,
                lost_on=lost,
            )
        )
    loans = Loan.objects.bulk_create(loans, batch_size=5000)
    LoanExtension.objects.bulk_create(
        LoanExtension(
            loan=loan,
            previous_due_date=loan.due_date,
            new_due_date=loan.due_date + dt.timedelta(days=90),
            extended_on=loan.start_date + dt.timedelta(days=30),
        )
        for loan in loans[::10]
    )
    return digibank


def timed(fn, repeat: int) -> tuple[float, float, int]:
    runs, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            begin = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - begin) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(runs), max(runs), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loans", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(11)
    with transaction.atomic():
        begin = time.perf_counter()
        digibank = build(args.loans, rng)
        print(
            f"{connection.vendor}: built {args.loans} loans in {time.perf_counter() - begin:.1f}s"
        )
        connection.cursor().execute("ANALYZE") if connection.vendor == "postgresql" else None
        today = timezone.localdate()
        cases = {
            "indicator 11, one year": lambda: indicator_loans(
                digibank_ids=[digibank.pk], start=today - dt.timedelta(days=365), end=today
            ),
            "indicator 11, one quarter": lambda: indicator_loans(
                digibank_ids=[digibank.pk], start=today - dt.timedelta(days=91), end=today
            ),
            "desk counts": lambda: desk_counts(digibank=digibank),
        }
        for name, fn in cases.items():
            median, worst, queries = timed(fn, args.repeat)
            print(f"{name:28} median {median:8.1f} ms  max {worst:8.1f} ms  queries {queries}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
