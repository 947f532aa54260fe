"""Celery tasks of registration (the schedule is in digibank/celery.py)."""

from __future__ import annotations

from celery import shared_task

from digibank.models import Digibank


@shared_task(name="registration.tasks.anonymise_expired_visitors", time_limit=30 * 60)
def anonymise_expired_visitors() -> dict[int, int]:
    """Nightly: anonymise visitors past their digibank's retention period. Idempotent."""
    from registration.retention import anonymise_expired_visitors as anonymise
    from registration.retention import discard_stale_imports

    done = {}
    for digibank in Digibank.objects.all():
        done[digibank.pk] = anonymise(digibank=digibank)
    discard_stale_imports()
    return done
