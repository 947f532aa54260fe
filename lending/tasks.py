"""Celery tasks of the lending service: thin, idempotent (see services.lending_daily_run)."""

from celery import shared_task

from lending import services


@shared_task(name="lending.tasks.lending_daily_run", time_limit=600, soft_time_limit=540)
def lending_daily_run() -> dict:
    return services.lending_daily_run()
