"""Celery tasks of reporting: thin, idempotent, passing ids (see reporting.services)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from reporting import services

RETRY_DELAYS = [30, 120, 600]


@shared_task(bind=True, max_retries=len(RETRY_DELAYS), acks_late=True, time_limit=15 * 60)
def generate_report(self, report_file_id: int) -> str:
    """Make one report file. A transient error (database away) is retried with a back-off;
    after the last try the file is marked failed."""
    try:
        report = services.report_file_generate(report_file_id=report_file_id)
    except services.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            services.report_file_fail(report_file_id=report_file_id, error=str(error))
            raise
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from error
    return report.status


@shared_task
def generate_scheduled_reports(today: str | None = None) -> list[int]:
    """On day 1 of each month (digibank/celery.py): the previous month's report for every
    digibank, and on the first day of a quarter also the previous quarter's."""
    day = dt.date.fromisoformat(today) if today else None
    return services.report_schedule(today=day)
