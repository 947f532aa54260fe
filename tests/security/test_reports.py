"""Department staff download report files of every digibank, and never find a name in them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from digibank.models import Role
from reporting.models import ReportFile
from tests.access import client_for
from tests.registration.factories import HelpQuestionFactory
from tests.reporting.factories import ReportFileFactory
from tests.security.crawl import readable_text


@pytest.mark.parametrize("fmt", ReportFile.Format.values)
def test_department_staff_download_reports_without_any_name(world, fmt):
    world.fill()  # visitors, loans, appointments ... with names, in both digibanks
    report = ReportFileFactory(  # since last year: not the suite's own file of this year
        digibank=world.ours,
        format=fmt,
        period_start=dt.date(timezone.localdate().year - 1, 1, 1),
        requested_by=world.member(Role.COORDINATOR),
    )
    assert report.status == ReportFile.Status.READY, report.error
    department = world.member(Role.DEPARTMENT)
    response = client_for(department).get(f"/rapporten/bestanden/{report.pk}/download/")
    assert response.status_code == 200
    text = readable_text(response)
    assert "Onze" in text or str(report.period_start.year) in text  # the report itself
    leaked = [v for v in world.personal_values(except_user=department) if v in text]
    assert not leaked, f"the {fmt} report shows {leaked}"
    # Another digibank's coordinator cannot fetch it.
    outsider = client_for(world.member(Role.COORDINATOR, "theirs"))
    assert outsider.get(f"/rapporten/bestanden/{report.pk}/download/").status_code == 404


def test_a_service_with_a_slash_in_its_name_has_a_signal_page(world):
    """'Outlook / Hotmail' was a help question's service in the demo: its link broke the whole
    signal list (500) for coordinators and department staff."""
    HelpQuestionFactory(
        participation__visitor__digibank=world.ours,
        concerned_service="Outlook / Hotmail",
        concerned_service_key="outlook / hotmail",
    )
    for member in (world.member(Role.COORDINATOR), world.member(Role.DEPARTMENT)):
        client = client_for(member)
        response = client.get("/rapporten/signalen/")
        assert response.status_code == 200
        assert "Outlook / Hotmail" in response.content.decode()
        detail = client.get(reverse("reporting:signal_detail", args=["outlook / hotmail"]))
        assert detail.status_code == 200
        assert "Outlook / Hotmail" in detail.content.decode()
