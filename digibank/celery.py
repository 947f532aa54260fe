"""The Celery app. Every periodic schedule of the project is declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")

app = Celery("digibank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # registration/tasks.py: anonymise visitors past their digibank's retention period.
    "anonymise-expired-visitors": {
        "task": "registration.tasks.anonymise_expired_visitors",
        "schedule": crontab(hour=2, minute=30),
    },
    # lending/tasks.py: mark overdue loans, send due-soon and overdue reminders.
    "lending-daily": {
        "task": "lending.tasks.lending_daily_run",
        "schedule": crontab(hour=7, minute=0),
    },
    # sessions_app/tasks.py: reminders the day before an appointment or session.
    "appointment-reminders": {
        "task": "sessions_app.tasks.send_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # reporting/tasks.py: previous month's and quarter's department reports.
    "scheduled-reports": {
        "task": "reporting.tasks.generate_scheduled_reports",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
}
