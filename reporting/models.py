"""Stored report files: the periodic department report, generated on a schedule or on demand."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digibank.models import Digibank


class ReportStorage(FileSystemStorage):
    """Report files live under MEDIA_ROOT/reports (read when used, not at import) and have no
    public URL: they are only downloaded through `reporting.views.report_file_download`, which
    checks access."""

    @property
    def base_location(self):  # type: ignore[override]
        return str(Path(settings.MEDIA_ROOT) / "reports")

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Report files have no public URL; use the download view.")


def report_storage() -> ReportStorage:
    return ReportStorage()


class ReportFile(models.Model):
    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ON_DEMAND = "on_demand", _("On demand")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    digibank = models.ForeignKey(
        Digibank,
        verbose_name=_("digibank"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_files",
        help_text=_("Empty: all digibanks."),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), storage=report_storage, blank=True, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-period_end", "-period_start", "digibank__name", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["digibank", "period_start", "period_end", "format", "kind"],
                name="report_file_unique_per_digibank",
                condition=Q(digibank__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["period_start", "period_end", "format", "kind"],
                name="report_file_unique_all_digibanks",
                condition=Q(digibank__isnull=True),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_file_period_order",
            ),
        ]
        indexes = [models.Index(fields=["digibank", "-period_end"], name="report_file_list_idx")]

    def __str__(self) -> str:
        scope = self.digibank.name if self.digibank_id else str(_("All digibanks"))
        return f"{scope} {self.period_start}..{self.period_end} {self.format}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def download_name(self) -> str:
        scope = self.digibank.slug if self.digibank_id else "alle-digibanken"
        return f"rapport-{scope}-{self.period_start}-{self.period_end}.{self.format}"
