"""Indicator 11 against numbers computed by hand, and the desk's counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from lending import selectors
from lending.models import Loan, LoanExtension
from tests.factories import LocationFactory
from tests.lending.factories import DeviceFactory
from tests.registration_factories import VisitorFactory

D = dt.date
START, END = D(2025, 1, 1), D(2025, 3, 31)


def _loan(digibank, location, device_type, start, due=None, **fields):
    device = DeviceFactory(digibank=digibank, type=device_type)
    status = "active"
    if fields.get("returned_on"):
        status = "returned"
    elif fields.get("lost_on"):
        status = "lost"
    return Loan.objects.create(
        digibank=digibank,
        visitor=VisitorFactory(digibank=digibank),
        device_type=device_type,
        device=device,
        status=status,
        location=location,
        requested_at=timezone.make_aware(dt.datetime.combine(start, dt.time(9))),
        term="12m",
        start_date=start,
        due_date=due,
        deposit_amount=Decimal("0"),
        **fields,
    )


@pytest.fixture
def loans(digibank, other_digibank, location):
    elsewhere = LocationFactory(digibank=digibank)
    made = {
        # returned in the period after 132 days; started before it
        "L1": _loan(
            digibank, location, "laptop", D(2024, 10, 1), D(2025, 4, 1), returned_on=D(2025, 2, 10)
        ),
        # started, returned two weeks late (45 days): overdue in the period
        "L2": _loan(
            digibank, location, "laptop", D(2025, 1, 15), D(2025, 2, 15), returned_on=D(2025, 3, 1)
        ),
        # started, still on loan, extended in the period
        "L3": _loan(digibank, location, "laptop", D(2025, 2, 1), D(2026, 2, 1)),
        # due last year, never came back: active and overdue
        "L4": _loan(digibank, location, "laptop", D(2024, 1, 1), D(2024, 12, 31)),
        # overdue last year but returned before the period: none of the counts
        "L5": _loan(
            digibank, location, "laptop", D(2024, 1, 1), D(2024, 7, 1), returned_on=D(2024, 12, 1)
        ),
        # tablet lost in the period
        "L6": _loan(
            digibank, location, "tablet", D(2025, 3, 5), D(2025, 9, 5), lost_on=D(2025, 3, 20)
        ),
        # tablet returned after 10 days
        "L7": _loan(
            digibank, location, "tablet", D(2025, 1, 10), D(2025, 7, 10), returned_on=D(2025, 1, 20)
        ),
        # starts after the period
        "L8": _loan(digibank, location, "laptop", D(2025, 4, 2), D(2026, 4, 2)),
        # permanent assignment: active, never overdue
        "L9": _loan(digibank, location, "laptop", D(2024, 6, 1), None, is_permanent=True),
        # picked up and brought back the same day (0 days)
        "L10": _loan(
            digibank, location, "laptop", D(2025, 1, 5), D(2025, 7, 5), returned_on=D(2025, 1, 5)
        ),
        # another location of the same digibank
        "L11": _loan(digibank, elsewhere, "laptop", D(2025, 2, 1), D(2026, 2, 1)),
        # another digibank
        "L12": _loan(other_digibank, None, "laptop", D(2025, 2, 1), D(2026, 2, 1)),
    }
    LoanExtension.objects.create(
        loan=made["L3"],
        previous_due_date=D(2026, 2, 1),
        new_due_date=D(2026, 8, 1),
        extended_on=D(2025, 3, 10),
    )
    LoanExtension.objects.create(
        loan=made["L1"],
        previous_due_date=D(2024, 12, 1),
        new_due_date=D(2025, 4, 1),
        extended_on=D(2024, 11, 20),
    )
    # A request that never started counts nowhere.
    Loan.objects.create(
        digibank=digibank,
        visitor=VisitorFactory(digibank=digibank),
        device_type="laptop",
        status="requested",
        requested_at=timezone.now(),
        term="12m",
    )
    made["elsewhere"] = elsewhere
    return made


def test_indicator_11_matches_the_numbers_counted_by_hand(
    digibank, loans, django_assert_max_num_queries
):
    expected_queries = 2 if connection.vendor == "postgresql" else 3
    with django_assert_max_num_queries(expected_queries):
        result = selectors.indicator_loans(
            digibank_ids=[digibank.pk], start=START, end=END, location_id=None
        )
    rows = {row["device_type"]: row for row in result["per_device_type"]}
    assert {k: rows["laptop"][k] for k in rows["laptop"] if k != "label"} == {
        "device_type": "laptop",
        "started": 4,
        "active": 7,
        "returned": 3,
        "extended": 1,
        "overdue": 2,
        "lost": 0,
        "median_days": 45.0,
        "mean_days": 59.0,
    }
    assert {k: rows["tablet"][k] for k in rows["tablet"] if k != "label"} == {
        "device_type": "tablet",
        "started": 2,
        "active": 2,
        "returned": 1,
        "extended": 0,
        "overdue": 0,
        "lost": 1,
        "median_days": 10.0,
        "mean_days": 10.0,
    }
    assert result["total"] == {
        "started": 6,
        "active": 9,
        "returned": 4,
        "extended": 1,
        "overdue": 2,
        "lost": 1,
        "median_days": 27.5,
        "mean_days": 46.8,
    }


def test_indicator_11_for_one_location_and_for_all_digibanks(digibank, loans):
    one = selectors.indicator_loans(
        digibank_ids=[digibank.pk], start=START, end=END, location_id=loans["L1"].location_id
    )
    assert one["total"]["started"] == 5 and one["total"]["active"] == 8
    other = selectors.indicator_loans(
        digibank_ids=[digibank.pk], start=START, end=END, location_id=loans["elsewhere"].pk
    )
    assert other["total"]["started"] == 1 and other["total"]["median_days"] is None
    everyone = selectors.indicator_loans(digibank_ids=None, start=START, end=END)
    assert everyone["total"]["started"] == 7


def test_indicator_11_query_count_does_not_grow_with_the_loans(
    digibank, location, loans, django_assert_max_num_queries
):
    for _ in range(10):
        _loan(
            digibank,
            location,
            "smartphone",
            D(2025, 2, 2),
            D(2025, 2, 20),
            returned_on=D(2025, 3, 2),
        )
    with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 3):
        result = selectors.indicator_loans(digibank_ids=[digibank.pk], start=START, end=END)
    smartphones = next(r for r in result["per_device_type"] if r["device_type"] == "smartphone")
    assert smartphones["returned"] == 10 and smartphones["median_days"] == 28.0


def test_desk_counts_count_due_today_overdue_pickups_and_requests(digibank, location):
    today = timezone.localdate()
    _loan(digibank, location, "laptop", today - dt.timedelta(days=30), today)
    _loan(digibank, location, "laptop", today - dt.timedelta(days=30), today)
    _loan(digibank, location, "tablet", today - dt.timedelta(days=90), today - dt.timedelta(1))
    _loan(digibank, location, "tablet", today - dt.timedelta(days=90), None, is_permanent=True)
    _loan(
        digibank,
        location,
        "laptop",
        today - dt.timedelta(days=90),
        today - dt.timedelta(9),
        returned_on=today,
    )
    Loan.objects.create(
        digibank=digibank,
        visitor=VisitorFactory(digibank=digibank),
        device_type="laptop",
        status="requested",
        requested_at=timezone.now(),
        term="12m",
    )
    Loan.objects.create(
        digibank=digibank,
        visitor=VisitorFactory(digibank=digibank),
        device_type="laptop",
        status="approved",
        requested_at=timezone.now(),
        term="12m",
        pickup_planned_at=timezone.now(),
    )
    assert selectors.desk_counts(digibank=digibank, today=today) == {
        "due_today": 2,
        "overdue": 1,
        "pickups_today": 1,
        "requested": 1,
    }
