"""Every non-trivial read of the lending service. Query counts do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from digibank.models import Digibank
from lending.models import (
    CheckIn,
    Device,
    DeviceStatus,
    DeviceType,
    Donation,
    EligibilityCheck,
    Loan,
    LoanExtension,
    LoanStatus,
    Reminder,
    WaitingListEntry,
    WipeRecord,
)

# -- Devices -----------------------------------------------------------------------------------


def device_list(
    *,
    digibank: Digibank,
    type: str = "",
    status: str = "",
    location_id: int | None = None,
    search: str = "",
) -> QuerySet[Device]:
    devices = Device.objects.filter(digibank=digibank).select_related("location", "donation")
    if type:
        devices = devices.filter(type=type)
    if status:
        devices = devices.filter(status=status)
    if location_id:
        devices = devices.filter(location_id=location_id)
    if search:
        devices = devices.filter(
            Q(asset_tag__icontains=search)
            | Q(serial_number__icontains=search)
            | Q(brand__icontains=search)
            | Q(model_name__icontains=search)
        )
    return devices.order_by("asset_tag")


def device_stock_counts(*, digibank: Digibank) -> list[dict]:
    """Per device type: how many are free to lend, reserved, on loan, waiting for a wipe."""
    rows = (
        Device.objects.filter(digibank=digibank)
        .values("type")
        .annotate(
            total=Count("id"),
            free=Count("id", filter=Q(status=DeviceStatus.IN_STOCK, needs_wipe=False)),
            to_wipe=Count("id", filter=Q(needs_wipe=True)),
            on_loan=Count("id", filter=Q(status=DeviceStatus.ON_LOAN)),
            reserved=Count("id", filter=Q(status=DeviceStatus.RESERVED)),
        )
        .order_by("type")
    )
    labels = dict(DeviceType.choices)
    return [{**row, "label": labels.get(row["type"], row["type"])} for row in rows]


def device_loans(*, device: Device) -> list[Loan]:
    return list(
        Loan.objects.filter(device=device)
        .select_related("visitor", "location")
        .order_by("-requested_at")
    )


def device_wipes(*, device: Device) -> list[WipeRecord]:
    return list(WipeRecord.objects.filter(device=device).select_related("recorded_by"))


def free_devices(*, digibank: Digibank, device_type: str) -> QuerySet[Device]:
    return Device.objects.filter(
        digibank=digibank, type=device_type, status=DeviceStatus.IN_STOCK, needs_wipe=False
    ).order_by("asset_tag")


# -- Donations ---------------------------------------------------------------------------------


def donation_list(*, digibank: Digibank) -> QuerySet[Donation]:
    return Donation.objects.filter(digibank=digibank).annotate(
        registered=Count("devices", distinct=True)
    )


def donation_report(*, donation: Donation) -> list[Device]:
    """Each device of a donation with its wipe records and how many loans it served.

    No borrower data: only counts of loans that were picked up."""
    return list(
        Device.objects.filter(donation=donation)
        .annotate(
            loans_served=Count("loans", filter=Q(loans__start_date__isnull=False), distinct=True)
        )
        .prefetch_related(Prefetch("wipes", queryset=WipeRecord.objects.order_by("wiped_on", "id")))
        .order_by("asset_tag")
    )


# -- Loans -------------------------------------------------------------------------------------


def loan_base(digibank: Digibank) -> QuerySet[Loan]:
    return Loan.objects.filter(digibank=digibank).select_related("visitor", "device", "location")


def loan_list(*, digibank: Digibank, status: str = "", device_type: str = "") -> QuerySet[Loan]:
    loans = loan_base(digibank)
    if status:
        loans = loans.filter(status=status)
    if device_type:
        loans = loans.filter(device_type=device_type)
    return loans.order_by("-requested_at", "-id")


def overdue_loans(*, digibank: Digibank, today: dt.date | None = None) -> QuerySet[Loan]:
    today = today or timezone.localdate()
    return (
        loan_base(digibank)
        .filter(status=LoanStatus.ACTIVE, is_permanent=False, due_date__lt=today)
        .order_by("due_date", "id")
    )


def due_soon_loans(
    *, digibank: Digibank, today: dt.date | None = None, days: int = 14
) -> QuerySet[Loan]:
    today = today or timezone.localdate()
    return (
        loan_base(digibank)
        .filter(
            status=LoanStatus.ACTIVE,
            is_permanent=False,
            due_date__gte=today,
            due_date__lte=today + dt.timedelta(days=days),
        )
        .order_by("due_date", "id")
    )


def check_ins_due(
    *, digibank: Digibank, today: dt.date | None = None, days: int = 14
) -> QuerySet[CheckIn]:
    today = today or timezone.localdate()
    return (
        CheckIn.objects.filter(
            loan__digibank=digibank,
            loan__status=LoanStatus.ACTIVE,
            done_on__isnull=True,
            planned_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("loan__visitor", "loan__device")
        .order_by("planned_on", "id")
    )


def desk_counts(*, digibank: Digibank, today: dt.date | None = None) -> dict:
    """For the desk's home panel: due today, overdue, pick-ups today, requests to approve."""
    today = today or timezone.localdate()
    active = Q(status=LoanStatus.ACTIVE, is_permanent=False)
    return Loan.objects.filter(digibank=digibank).aggregate(
        due_today=Count("id", filter=active & Q(due_date=today)),
        overdue=Count("id", filter=active & Q(due_date__lt=today)),
        pickups_today=Count(
            "id", filter=Q(status=LoanStatus.APPROVED, pickup_planned_at__date=today)
        ),
        requested=Count("id", filter=Q(status=LoanStatus.REQUESTED)),
    )


def loan_detail_context(*, loan: Loan) -> dict:
    return {
        "extensions": list(loan.extensions.select_related("extended_by")),
        "check_ins": list(loan.check_ins.select_related("done_by")),
        "reminders": list(loan.reminders.all()),
        "eligibility_checks": list(
            EligibilityCheck.objects.filter(visitor_id=loan.visitor_id).select_related(
                "checked_by", "referrer_organisation"
            )
        ),
        "waiting_entry": WaitingListEntry.objects.filter(loan=loan).first(),
    }


def visitor_loans(*, visitor) -> dict:
    """The borrower's open loans and history, for the panel on the visitor page."""
    loans = list(
        Loan.objects.filter(visitor=visitor)
        .select_related("device", "location")
        .order_by("-requested_at", "-id")
    )
    open_statuses = {LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.ACTIVE}
    return {
        "open": [loan for loan in loans if loan.status in open_statuses],
        "history": [loan for loan in loans if loan.status not in open_statuses],
    }


def waiting_list(*, digibank: Digibank) -> list[dict]:
    """Open entries oldest first, with their place in line per type and the free devices."""
    entries = list(
        WaitingListEntry.objects.filter(
            digibank=digibank, served_at__isnull=True, removed_at__isnull=True
        )
        .select_related("loan__visitor")
        .order_by("added_at", "id")
    )
    free = dict(
        Device.objects.filter(digibank=digibank, status=DeviceStatus.IN_STOCK, needs_wipe=False)
        .values("type")
        .annotate(n=Count("id"))
        .values_list("type", "n")
    )
    places: dict[str, int] = defaultdict(int)
    rows = []
    for entry in entries:
        places[entry.device_type] += 1
        rows.append(
            {
                "entry": entry,
                "place": places[entry.device_type],
                "free": free.get(entry.device_type, 0),
            }
        )
    return rows


def call_list(*, digibank: Digibank) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(loan__digibank=digibank, channel="print", handled_at__isnull=True)
        .select_related("loan__visitor", "loan__device")
        .order_by("due_date", "id")
    )


# -- Indicator 11 ------------------------------------------------------------------------------


class DaysBetween(Func):
    """Whole days from the second date to the first, as an integer, in the database."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5); other databases compute it from the durations."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def indicator_loans(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """Indicator 11: number and duration of loans in [start, end], per device type.

    - started: picked up in the period; returned / lost: came back / reported lost in it;
    - active: on loan on at least one day of the period;
    - extended: got an extension in the period;
    - overdue: was past its due date (and not back) on at least one day of the period;
    - median_days / mean_days: duration (return date minus start date) of loans returned in it.
    `digibank_ids=None` means all digibanks. Two queries on PostgreSQL, three elsewhere.
    """
    loans = Loan.objects.filter(start_date__isnull=False)
    if digibank_ids is not None:
        loans = loans.filter(digibank_id__in=digibank_ids)
    if location_id is not None:
        loans = loans.filter(location_id=location_id)
    closed_on = Q(returned_on__isnull=False) | Q(lost_on__isnull=False)
    returned = Q(returned_on__gte=start, returned_on__lte=end)
    started = Q(start_date__gte=start, start_date__lte=end)
    active = Q(start_date__lte=end) & (
        ~closed_on | Q(returned_on__gte=start) | Q(lost_on__gte=start)
    )
    # Overdue on day d: due_date < d and not back before d (returned or lost on d or later).
    overdue = (
        Q(due_date__isnull=False, due_date__lt=end, is_permanent=False)
        & (Q(returned_on__isnull=True) | Q(returned_on__gt=F("due_date"), returned_on__gte=start))
        & (Q(lost_on__isnull=True) | Q(lost_on__gt=F("due_date"), lost_on__gte=start))
    )
    # Every count needs a loan that was on loan on some day of the period: filter on that first.
    loans = loans.filter(active)
    extended = Exists(
        LoanExtension.objects.filter(
            loan=OuterRef("pk"), extended_on__gte=start, extended_on__lte=end
        )
    )
    days = DaysBetween(F("returned_on"), F("start_date"))
    on_postgres = connection.vendor == "postgresql"
    aggregates = {
        "started": Count("id", filter=started),
        "active": Count("id"),
        "returned": Count("id", filter=returned),
        "extended": Count("id", filter=Q(extended)),
        "overdue": Count("id", filter=overdue),
        "lost": Count("id", filter=Q(lost_on__gte=start, lost_on__lte=end)),
        "mean_days": Avg(days, filter=returned, output_field=FloatField()),
    }
    if on_postgres:
        aggregates["median_days"] = Median(days, filter=returned)
    per_type = list(loans.values("device_type").annotate(**aggregates).order_by("device_type"))
    total = loans.aggregate(**aggregates)
    if not on_postgres:
        durations: dict[str, list[int]] = defaultdict(list)
        for device_type, value in (
            loans.filter(returned).annotate(days=days).values_list("device_type", "days")
        ):
            durations[device_type].append(value)
        for row in per_type:
            values = durations.get(row["device_type"], [])
            row["median_days"] = statistics.median(values) if values else None
        every = [v for values in durations.values() for v in values]
        total["median_days"] = statistics.median(every) if every else None
    labels = dict(DeviceType.choices)
    keys = ["started", "active", "returned", "extended", "overdue", "lost"]

    def clean(row: dict) -> dict:
        out = {key: row[key] for key in keys}
        for key in ("median_days", "mean_days"):
            out[key] = round(float(row[key]), 1) if row[key] is not None else None
        return out

    return {
        "period": {"start": start, "end": end},
        "total": clean(total),
        "per_device_type": [
            {
                "device_type": row["device_type"],
                "label": str(labels.get(row["device_type"], row["device_type"])),
                **clean(row),
            }
            for row in per_type
        ],
    }
