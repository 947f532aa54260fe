"""Celery tasks of training and appointments (the schedule is in digibank/celery.py)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone, translation

from sessions_app.services import reminders_send


@shared_task(name="sessions_app.tasks.send_reminders", time_limit=10 * 60)
def send_reminders() -> int:
    """E-mail tomorrow's appointments and sessions; each reminder goes out once."""
    with translation.override("nl-be"):
        return reminders_send(day=timezone.localdate() + dt.timedelta(days=1))
