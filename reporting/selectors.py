"""Reads of reporting: the data behind the screens and the periodic report, report files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from digibank.models import Digibank
from reporting import indicators
from reporting.models import ReportFile


def subsidy_estimate(unique_visitors: int, tiers: list[tuple[int, int]] | None = None) -> dict:
    """The estimated subsidy of the 2025-2026 extension for this many unique visitors.

    `tiers` (default `settings.REPORTING_SUBSIDY_TIERS`) are (from this many visitors, extra
    euro) steps: 350 000 up to 1000, +100 000 from 1001, +30 000 from 1501, +20 000 from 1751.
    """
    tiers = sorted(tiers if tiers is not None else settings.REPORTING_SUBSIDY_TIERS)
    amount, tier, next_threshold = 0, 0, None
    for index, (threshold, extra) in enumerate(tiers):
        if unique_visitors >= threshold:
            amount += extra
            tier = index + 1
        else:
            next_threshold = threshold
            break
    return {
        "unique_visitors": unique_visitors,
        "tier": tier,
        "amount": amount,
        "next_threshold": next_threshold,
        "missing_for_next": (next_threshold - unique_visitors) if next_threshold else 0,
        "maximum": sum(extra for _t, extra in tiers),
    }


def extension_unique_visitors(*, digibank: Digibank, until: dt.date) -> int:
    """Unique visitors since the start of the 2025-2026 extension (counts for the subsidy)."""
    start = dt.date.fromisoformat(settings.REPORTING_SUBSIDY_PERIOD[0])
    end = min(until, dt.date.fromisoformat(settings.REPORTING_SUBSIDY_PERIOD[1]))
    if end < start:
        return 0
    result = indicators.completeness(digibank_ids=[digibank.pk], start=start, end=end)
    return result["unique_visitors"]


def headline(*, digibank: Digibank, today: dt.date | None = None) -> dict:
    """The coordinator's headline numbers: since start vs target, new this month, subsidy."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    unique = indicators.indicator_unique_visitors(
        digibank_ids=[digibank.pk], start=month_start, end=today
    )
    extension = extension_unique_visitors(digibank=digibank, until=today)
    return {
        "cumulative": unique["cumulative"],
        "target": unique["target"],
        "progress": unique["progress"],
        "progress_capped": min(unique["cumulative"], unique["target"]),
        "new_this_month": unique["new"],
        "unique_this_month": unique["total"],
        "subsidy": subsidy_estimate(extension),
    }


def report_data(
    *, digibank: Digibank | None, start: dt.date, end: dt.date, with_visitors: bool = True
) -> dict[str, Any]:
    """Everything the periodic department report shows, as plain data (a constant number of
    queries). `digibank` None = all digibanks (with a per-digibank table)."""
    ids = [digibank.pk] if digibank else None
    scope = {"digibank_ids": ids, "start": start, "end": end}
    data: dict[str, Any] = {
        "scope": {
            "digibank": digibank.slug if digibank else None,
            "name": digibank.name if digibank else None,
            "start": start,
            "end": end,
        },
        "generated_at": timezone.localtime(),
        "unique_visitors": indicators.indicator_unique_visitors(**scope),
        "returning": indicators.indicator_returning_visitors(**scope),
        "activities": indicators.participations_by_activity(**scope),
        "profile": indicators.profile_new_and_cumulative(**scope),
        "completeness": indicators.completeness(**scope),
        "help_questions": indicators.indicator_help_questions(**scope),
        "digibanks": indicators.digibank_summaries(digibank_ids=ids, start=start, end=end)
        if digibank is None
        else None,
    }
    data["visitors"] = indicators.pseudonymous_visitors(**scope) if with_visitors else []
    return data


def report_files_for(*, digibank: Digibank | None, department: bool) -> QuerySet[ReportFile]:
    """Coordinators: their own digibank's files; department staff: every file."""
    files = ReportFile.objects.select_related("digibank", "requested_by")
    if department:
        return files
    if digibank is None:
        return files.none()
    return files.filter(digibank=digibank)
