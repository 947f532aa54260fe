"""Walkthrough of department staff: the numbers and a report file, without any names."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digibank.models import Role
from registration.models import FormOfService
from reporting.models import ReportFile
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.helpers import assert_accessible, log_in, nl
from tests.factories import make_member
from tests.registration_factories import ParticipationFactory, VisitorFactory

NAMES = ["Marie", "Peeters", "Ahmed", "Benali", "Jozef", "Vermeulen"]


@pytest.fixture
def ledger(seeded_digibank):
    """Three named visitors (five participations) and one anonymous participation this year."""
    library = seeded_digibank.locations.get(name="Bibliotheek Tienen")
    today = timezone.localdate()
    visitors = [
        VisitorFactory(digibank=seeded_digibank, first_name=first, last_name=last)
        for first, last in zip(NAMES[::2], NAMES[1::2], strict=True)
    ]
    for visitor, count in zip(visitors, (1, 2, 2), strict=True):
        for n in range(count):
            ParticipationFactory(
                visitor=visitor,
                location=library,
                occurred_at=timezone.make_aware(
                    dt.datetime.combine(today - dt.timedelta(days=n), dt.time(10, 0))
                ),
                form_of_service=FormOfService.INDIVIDUAL_SUPPORT if n else FormOfService.TRAINING,
            )
    ParticipationFactory(
        visitor=None,
        digibank=seeded_digibank,
        location=library,
        occurred_at=timezone.now(),
    )
    return visitors


def _no_names(page) -> None:
    text = page.locator("body").inner_text()
    for name in NAMES:
        assert name not in text, f"{name} shows on {page.url}"


def _menu(page, label: str) -> None:
    page.get_by_role("navigation", name=nl("Main menu")).get_by_role(
        "link", name=nl(label), exact=True
    ).click()
    page.wait_for_load_state()
    assert_accessible(page)
    _no_names(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
def test_department_staff_download_a_report_file_without_names(
    page, seeded_digibank, ledger, settings, tmp_path, viewport
):
    settings.MEDIA_ROOT = tmp_path
    staff = make_member(Role.DEPARTMENT, name="Dora Departement")
    log_in(page, staff)
    _no_names(page)
    _menu(page, "Numbers")
    _menu(page, "Reports")

    today = timezone.localdate()
    start = today.replace(month=1, day=1) if today.month > 1 else today.replace(day=1)
    form = page.locator("form[aria-labelledby=request-title]")
    form.locator("[name=start]").fill(start.isoformat())
    form.locator("[name=end]").fill(today.isoformat())
    form.locator("[name=format]").select_option("csv")
    form.locator("[name=digibank]").select_option(label="Digibank Tienen")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#report-status")).to_contain_text(nl("The report is ready."))
    assert_accessible(page)
    _no_names(page)

    with page.expect_download() as download_info:
        page.locator("#report-status").get_by_role("link", name=nl("Download")).click()
    content = download_info.value.path().read_bytes().decode("utf-8-sig")
    for name in NAMES:
        assert name not in content
    rows = {
        tuple(row[:2]): row[2]
        for row in csv.reader(io.StringIO(content), delimiter=";")
        if len(row) >= 3
    }
    assert rows[(nl("Report"), nl("Digibank"))] == "Digibank Tienen"
    assert rows[(nl("Reach"), nl("Unique visitors in the period"))] == "3"
    assert rows[(nl("Reach"), nl("Participations"))] == "6"
    assert rows[(nl("Reach"), nl("Anonymous participations"))] == "1"

    report = ReportFile.objects.get()
    assert report.status == ReportFile.Status.READY
    assert (report.digibank, report.period_start, report.period_end, report.format) == (
        seeded_digibank,
        start,
        today,
        "csv",
    )
    assert report.requested_by == staff

    # The list shows the file, ready to download.
    _menu(page, "Reports")
    expect(page.locator("main table")).to_contain_text("Digibank Tienen")
