"""Screens: the coordinator dashboard, the department view, signals, report files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from digibank.models import Role
from reporting.models import ReportFile
from reporting.services import report_file_generate
from tests.access import (
    assert_anonymous_redirected,
    assert_outsiders_get_404,
    assert_roles_refused,
    client_for,
)
from tests.factories import make_member
from tests.registration_factories import ParticipationFactory, VisitorFactory

pytestmark = pytest.mark.django_db
MARCH = {"period": "custom", "start": "2025-03-01", "end": "2025-03-31"}
NAMES = ["Anna", "Peeters", "Bram", "Janssens", "Chris", "Wouters", "Els", "Maes"]


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def test_it_shows_the_coordinator_dashboard_with_numbers_and_charts(dataset, coordinator_client):
    response = coordinator_client.get(reverse("reporting:dashboard"), MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "<desc" in html  # charts with a text alternative
    assert "<progress" in html
    assert "1. " in html and "12. " in html
    sections = response.context["sections"]
    assert sections[0]["tables"][0]["rows"][0][1] == 4  # unique visitors
    assert len(sections) == 12
    assert response.context["headline"]["cumulative"] == 4
    evolution = response.context["evolution"]["table"]["rows"]
    assert len(evolution) == 6
    assert evolution[-1][0].startswith("2025-01-01") and evolution[-1][1:3] == [4, 3]
    monthly = coordinator_client.get(
        reverse("reporting:dashboard"), {**MARCH, "evolution": "month"}
    )
    assert [row[1] for row in monthly.context["evolution"]["table"]["rows"][-2:]] == [1, 4]


def test_it_filters_the_dashboard_by_location(dataset, coordinator_client):
    response = coordinator_client.get(
        reverse("reporting:dashboard"), {**MARCH, "location": dataset.l2.pk}
    )
    assert response.context["scope"]["location_id"] == dataset.l2.pk
    assert response.context["sections"][0]["tables"][0]["rows"][0][1] == 1


def test_a_location_of_another_digibank_is_not_a_valid_filter(dataset, coordinator_client):
    other = dataset.other.locations.create(name="Elders", slug="elders")
    response = coordinator_client.get(
        reverse("reporting:dashboard"), {**MARCH, "location": other.pk}
    )
    assert response.context["scope"]["location_id"] is None
    assert response.context["form"].errors


def test_the_dashboard_is_for_coordinators(dataset, digibank):
    url = reverse("reporting:dashboard")
    assert_roles_refused(url, digibank=digibank, roles=[Role.VOLUNTEER, Role.REFERRER])
    assert_anonymous_redirected(url)


def test_the_department_sees_all_digibanks_without_names(dataset, department_client):
    response = department_client.get(reverse("reporting:department"), MARCH)
    assert response.status_code == 200
    summaries = response.context["summaries"]
    assert summaries["unique_across_digibanks"] == 4
    assert summaries["sum_of_unique_visitors"] == 5
    html = response.content.decode()
    for name in NAMES:
        assert name not in html
    one = department_client.get(
        reverse("reporting:department"), {**MARCH, "digibank": dataset.digibank.pk}
    )
    assert one.context["scope"]["digibank_ids"] == [dataset.digibank.pk]


def test_the_department_view_is_for_department_staff(dataset, digibank):
    assert_roles_refused(
        reverse("reporting:department"), digibank=digibank, roles=[Role.COORDINATOR]
    )


def test_the_signal_report_has_no_personal_data_and_prints(dataset, coordinator_client):
    response = coordinator_client.get(reverse("reporting:signals"), MARCH)
    html = response.content.decode()
    assert "MyMinfin" in html and "data-print" in html
    for name in NAMES:
        assert name not in html
    detail = coordinator_client.get(reverse("reporting:signal_detail", args=["myminfin"]), MARCH)
    assert detail.status_code == 200
    assert detail.context["service"]["questions"] == 2
    missing = coordinator_client.get(reverse("reporting:signal_detail", args=["nothing"]), MARCH)
    assert missing.status_code == 404


def test_a_coordinator_sees_only_their_own_signals(dataset, other_digibank):
    outsider = make_member(Role.COORDINATOR, other_digibank)
    response = client_for(outsider).get(reverse("reporting:signals"), MARCH)
    assert response.context["services"] == []


def test_a_coordinator_requests_a_report_and_downloads_it(dataset, coordinator_client, mailoutbox):
    response = coordinator_client.post(
        reverse("reporting:report_file_list"),
        {"start": "2025-03-01", "end": "2025-03-31", "format": "csv"},
    )
    report = ReportFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_file_detail", args=[report.pk])
    # Eager Celery in tests: queued on commit, which the test transaction never reaches.
    assert report.status == ReportFile.Status.PENDING
    page = coordinator_client.get(response["Location"])
    assert 'http-equiv="refresh"' in page.content.decode()
    assert "js/reporting.js" in page.content.decode()
    report_file_generate(report_file_id=report.pk)
    status = coordinator_client.get(reverse("reporting:report_file_status", args=[report.pk]))
    assert status.json()["ready"] is True
    download = coordinator_client.get(status.json()["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    assert dataset.a.pseudonymous_code in content
    assert "Anna" not in content
    assert download["Content-Disposition"].startswith("attachment")
    listing = coordinator_client.get(reverse("reporting:report_file_list"))
    assert report.download_name in listing.content.decode()


def test_a_wrong_period_is_refused_with_a_message(dataset, coordinator_client):
    response = coordinator_client.post(
        reverse("reporting:report_file_list"),
        {"start": "2025-03-31", "end": "2025-03-01", "format": "pdf"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ReportFile.objects.exists()


def _ready_file(digibank):
    report = ReportFile.objects.create(
        digibank=digibank,
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2025, 3, 31),
        format="csv",
        kind="on_demand",
    )
    report_file_generate(report_file_id=report.pk)
    return report


def test_a_coordinator_cannot_reach_another_digibanks_report(dataset, digibank):
    report = _ready_file(digibank)
    for name in ("report_file_detail", "report_file_status", "report_file_download"):
        assert_outsiders_get_404(
            reverse(f"reporting:{name}", args=[report.pk]), roles=[Role.COORDINATOR]
        )


def test_the_department_downloads_every_digibanks_report(dataset, digibank, department_client):
    report = _ready_file(digibank)
    response = department_client.get(reverse("reporting:report_file_download", args=[report.pk]))
    assert response.status_code == 200
    listing = department_client.get(reverse("reporting:report_file_list"))
    html = listing.content.decode()
    assert report.download_name in html
    for name in NAMES:
        assert name not in html


def test_the_department_requests_a_report_for_all_digibanks(dataset, department_client):
    response = department_client.post(
        reverse("reporting:report_file_list"),
        {"start": "2025-03-01", "end": "2025-03-31", "format": "xlsx", "digibank": ""},
    )
    assert response.status_code == 302
    report = ReportFile.objects.get()
    assert report.digibank is None


def test_report_files_are_not_served_from_media(dataset, digibank):
    report = _ready_file(digibank)
    with pytest.raises(ValueError):
        report.file.url  # noqa: B018


def test_the_home_panel_shows_the_headline(dataset, coordinator_client):
    response = coordinator_client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("reporting:dashboard") in html
    assert "<progress" in html


def _visitors(digibank, n):
    for i in range(n):
        visitor = VisitorFactory(digibank=digibank, gender="female")
        ParticipationFactory(visitor=visitor)
        if i % 2:
            ParticipationFactory(visitor=visitor, form_of_service="training")


@override_settings(DEBUG=False)
def test_page_query_counts_do_not_grow_with_visitors(
    digibank, coordinator_client, department_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"period": "custom", "start": "2025-01-01", "end": "2025-12-31"}
    counts = []
    for n in (10, 200):
        _visitors(digibank, n if not counts else n - 10)
        row = []
        for client, url in (
            (coordinator_client, reverse("reporting:dashboard")),
            (department_client, reverse("reporting:department")),
            (coordinator_client, reverse("reporting:signals")),
            (coordinator_client, reverse("reporting:report_file_list")),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            row.append(len(queries))
        counts.append(row)
    assert counts[0] == counts[1]
