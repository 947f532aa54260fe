"""Demo data of reporting: the report files of the last full month and quarter of the demo
digibank (runs after the registration demo data, so the files have numbers in them)."""

from __future__ import annotations

import datetime as dt

from reporting import services
from reporting.indicators import period_bounds
from reporting.models import ReportFile


def last_full_periods(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    month = period_bounds("month", today.replace(day=1) - dt.timedelta(days=1))
    quarter_start, _end = period_bounds("quarter", today)
    quarter = period_bounds("quarter", quarter_start - dt.timedelta(days=1))
    return [month, quarter]


def seed(demo) -> None:
    for start, end in last_full_periods(demo.today):
        for fmt in ReportFile.Format.values:
            report, _created = ReportFile.objects.get_or_create(
                digibank=demo.digibank,
                period_start=start,
                period_end=end,
                format=fmt,
                kind=ReportFile.Kind.SCHEDULED,
            )
            services.report_file_generate(report_file_id=report.pk)
