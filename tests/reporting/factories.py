"""Factories for report files (used by the security suite)."""

import factory
from django.utils import timezone

from reporting import services
from reporting.models import ReportFile
from tests.factories import DigibankFactory


class ReportFileFactory(factory.django.DjangoModelFactory):
    """A report on this year so far, made right away (as the worker would) and ready."""

    class Meta:
        model = ReportFile

    digibank = factory.SubFactory(DigibankFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    period_end = factory.LazyFunction(timezone.localdate)
    format = ReportFile.Format.XLSX
    kind = ReportFile.Kind.ON_DEMAND
    status = ReportFile.Status.PENDING

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        report = super()._create(model_class, *args, **kwargs)
        if report.status == ReportFile.Status.PENDING:
            report = services.report_file_generate(report_file_id=report.pk)
        return report
