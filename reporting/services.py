"""Every write of reporting: report files requested, scheduled, generated and announced."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digibank.audit import audit_log
from digibank.models import Digibank, Membership, Role
from reporting import exports, selectors
from reporting.exceptions import ReportingError
from reporting.indicators import period_bounds
from reporting.models import ReportFile, report_storage

logger = logging.getLogger(__name__)

# Errors worth another try (the database or the disk was briefly unavailable).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
SCHEDULED_FORMATS = [ReportFile.Format.XLSX, ReportFile.Format.CSV, ReportFile.Format.PDF]
MAX_PERIOD_DAYS = 3 * 366


def _queue(report_file_id: int) -> None:
    from reporting.tasks import generate_report

    transaction.on_commit(lambda: generate_report.delay(report_file_id))


def report_file_request(
    *,
    actor: Any,
    digibank: Digibank | None,
    start: dt.date,
    end: dt.date,
    fmt: str,
) -> ReportFile:
    """A report made on demand (queued in the worker once this transaction commits).

    Asking again for the same digibank, period and format makes that file anew (the data may
    have changed); while it is being made, the running request is returned."""
    if fmt not in ReportFile.Format.values:
        raise ReportingError(_("Choose XLSX, CSV or PDF."), field="format")
    if end < start:
        raise ReportingError(_("The end date comes before the start date."), field="end")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ReportingError(_("Choose a period of at most three years."), field="start")
    with transaction.atomic():
        report, created = ReportFile.objects.select_for_update().get_or_create(
            digibank=digibank,
            period_start=start,
            period_end=end,
            format=fmt,
            kind=ReportFile.Kind.ON_DEMAND,
            defaults={"requested_by": actor if getattr(actor, "pk", None) else None},
        )
        if not created and report.status in (ReportFile.Status.PENDING, ReportFile.Status.RUNNING):
            return report
        if not created:
            report.status = ReportFile.Status.PENDING
            report.error = ""
            report.requested_by = actor if getattr(actor, "pk", None) else None
            report.save(update_fields=["status", "error", "requested_by"])
        audit_log(
            actor=actor,
            action="reporting.report_file.requested",
            obj=report,
            digibank=digibank,
            data={"format": fmt, "start": str(start), "end": str(end)},
        )
        _queue(report.pk)
    return report


def previous_periods(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """What the run on `today` reports: the previous month, and on the first day of a quarter
    also the previous quarter. Runs on another day report the previous month only."""
    last_month_day = today.replace(day=1) - dt.timedelta(days=1)
    periods = [period_bounds("month", last_month_day)]
    if today.day == 1 and today.month in (1, 4, 7, 10):
        periods.append(period_bounds("quarter", last_month_day))
    return periods


def report_schedule(*, today: dt.date | None = None) -> list[int]:
    """Create the scheduled report files of `today`'s run for every digibank (and one for all
    digibanks together) and queue the ones that are not ready yet. Idempotent: the unique
    constraint keeps one file per digibank, period, format and kind; a ready file is left alone.
    Returns the ids queued."""
    today = today or timezone.localdate()
    queued: list[int] = []
    scopes: list[Digibank | None] = [*Digibank.objects.order_by("pk"), None]
    with transaction.atomic():
        for start, end in previous_periods(today):
            for digibank in scopes:
                for fmt in SCHEDULED_FORMATS:
                    report, _created = ReportFile.objects.select_for_update().get_or_create(
                        digibank=digibank,
                        period_start=start,
                        period_end=end,
                        format=fmt,
                        kind=ReportFile.Kind.SCHEDULED,
                    )
                    if report.status == ReportFile.Status.READY:
                        continue
                    if report.status == ReportFile.Status.FAILED:
                        report.status = ReportFile.Status.PENDING
                        report.save(update_fields=["status"])
                    queued.append(report.pk)
                    _queue(report.pk)
    return queued


def _file_name(report: ReportFile) -> str:
    scope = report.digibank.slug if report.digibank_id else "all"
    return (
        f"{scope}/{report.kind}/{report.period_start}_{report.period_end}-"
        f"{uuid.uuid4().hex[:12]}.{report.format}"
    )


def report_file_generate(*, report_file_id: int) -> ReportFile:
    """Make the file of one ReportFile. The content is written to a temporary name, renamed,
    and only then is the row marked ready in one transaction: a failed run never leaves a
    half-written file visible. Transient errors are raised again (the task retries); any other
    error marks the file as failed."""
    with transaction.atomic():
        report = (
            ReportFile.objects.select_for_update(of=("self",))
            .select_related("digibank")
            .get(pk=report_file_id)
        )
        if report.status == ReportFile.Status.READY:
            return report
        report.status = ReportFile.Status.RUNNING
        report.attempts += 1
        report.save(update_fields=["status", "attempts"])
    storage = report_storage()
    final_path: Path | None = None
    try:
        with translation.override(settings.LANGUAGE_CODE):
            data = selectors.report_data(
                digibank=report.digibank, start=report.period_start, end=report.period_end
            )
            content = exports.render(data, report.format)
        name = _file_name(report)
        final_path = Path(storage.path(name))
        final_path.parent.mkdir(parents=True, exist_ok=True)
        temp_path = final_path.with_name(f".{final_path.name}.part")
        with open(temp_path, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_path, final_path)
        with transaction.atomic():
            locked = ReportFile.objects.select_for_update().get(pk=report.pk)
            old_name = locked.file.name if locked.file else ""
            locked.file.name = name
            locked.size = len(content)
            locked.status = ReportFile.Status.READY
            locked.error = ""
            locked.finished_at = timezone.now()
            locked.save(update_fields=["file", "size", "status", "error", "finished_at"])
            if old_name and old_name != name:
                transaction.on_commit(lambda: _delete_quietly(storage, old_name))
            if locked.kind == ReportFile.Kind.SCHEDULED and locked.digibank_id:
                _notify_when_complete(locked)
        return locked
    except TRANSIENT_ERRORS:
        _discard(final_path)
        ReportFile.objects.filter(pk=report_file_id).update(status=ReportFile.Status.PENDING)
        raise
    except Exception as error:
        _discard(final_path)
        logger.exception("Report file %s failed", report_file_id)
        report_file_fail(report_file_id=report_file_id, error=f"{type(error).__name__}: {error}")
        raise


def report_file_fail(*, report_file_id: int, error: str) -> None:
    ReportFile.objects.filter(pk=report_file_id).exclude(status=ReportFile.Status.READY).update(
        status=ReportFile.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def _discard(path: Path | None) -> None:
    if path is None:
        return
    for candidate in (path, path.with_name(f".{path.name}.part")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


def _delete_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("Could not delete old report file %s", name)


def _notify_when_complete(report: ReportFile) -> None:
    """Inside the transaction that made `report` ready: when every scheduled file of this
    digibank and period is ready and none was announced, mark them announced and e-mail the
    coordinators after commit (once, whichever worker finishes last)."""
    siblings = list(
        ReportFile.objects.select_for_update()
        .filter(
            digibank_id=report.digibank_id,
            period_start=report.period_start,
            period_end=report.period_end,
            kind=ReportFile.Kind.SCHEDULED,
        )
        .order_by("pk")
    )
    if any(s.status != ReportFile.Status.READY for s in siblings):
        return
    if any(s.notified_at for s in siblings):
        return
    now = timezone.now()
    ReportFile.objects.filter(pk__in=[s.pk for s in siblings]).update(notified_at=now)
    digibank_id, start, end = report.digibank_id, report.period_start, report.period_end
    transaction.on_commit(lambda: _send_ready_mail(digibank_id, start, end))


def _send_ready_mail(digibank_id: int, start: dt.date, end: dt.date) -> None:
    digibank = Digibank.objects.get(pk=digibank_id)
    recipients = list(
        Membership.objects.filter(
            digibank=digibank, role=Role.COORDINATOR, active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not recipients:
        return
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    context = {
        "digibank": digibank,
        "start": start,
        "end": end,
        "url": f"{site}{reverse('reporting:report_file_list')}",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reporting/email/report_ready_subject.txt", context).strip()
        body = render_to_string("reporting/email/report_ready_body.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
