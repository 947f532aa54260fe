"""The periodic report: exports, subsidy tiers, scheduled and failing runs, commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from digibank.models import Role
from reporting import exports, selectors, services, tasks
from reporting.models import ReportFile
from reporting.selectors import subsidy_estimate
from tests.factories import make_member
from tests.registration_factories import ParticipationFactory, VisitorFactory

pytestmark = pytest.mark.django_db
MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(
    ("visitors", "amount", "tier"),
    [
        (0, 350_000, 1),
        (1000, 350_000, 1),
        (1001, 450_000, 2),
        (1500, 450_000, 2),
        (1501, 480_000, 3),
        (1750, 480_000, 3),
        (1751, 500_000, 4),
        (5000, 500_000, 4),
    ],
)
def test_subsidy_tiers_change_exactly_at_the_boundaries(visitors, amount, tier):
    result = subsidy_estimate(visitors)
    assert (result["amount"], result["tier"]) == (amount, tier)


def test_subsidy_tiers_come_from_the_settings(settings):
    settings.REPORTING_SUBSIDY_TIERS = [(0, 100), (10, 50)]
    assert subsidy_estimate(9)["amount"] == 100
    assert subsidy_estimate(10)["amount"] == 150
    assert subsidy_estimate(3)["missing_for_next"] == 7


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+32 16 00", "'+32 16 00"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Anna", "Anna"),
        (12, 12),
    ],
)
def test_formula_escaping(value, escaped):
    assert exports.escape_formula(value) == escaped


def _formula_dataset(digibank):
    visitor = VisitorFactory(digibank=digibank, first_name="=cmd", last_name="@evil")
    part = ParticipationFactory(
        visitor=visitor, occurred_at=dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)
    )
    from registration.models import HelpCategory
    from registration.services import help_question_record

    help_question_record(
        participation=part,
        categories=[HelpCategory.objects.first()],
        actor=None,
        concerned_service="=1+2",
    )
    digibank.name = "=Digibank"
    digibank.save()
    return visitor


def test_no_exported_cell_becomes_a_formula(digibank):
    _formula_dataset(digibank)
    data = selectors.report_data(digibank=digibank, **MARCH)
    workbook = load_workbook(io.BytesIO(exports.render_xlsx(data)))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    assert workbook.worksheets[0]["C2"].value == "'=Digibank"
    rows = list(
        csv.reader(io.StringIO(exports.render_csv(data).decode("utf-8-sig")), delimiter=";")
    )
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_xlsx_has_a_summary_and_a_pseudonymous_visitor_sheet(dataset):
    with translation.override("en"):
        data = selectors.report_data(digibank=dataset.digibank, **MARCH)
        workbook = load_workbook(io.BytesIO(exports.render_xlsx(data)))
    summary, visitors = workbook.worksheets
    values = {(r[0], r[1]): r[2] for r in summary.iter_rows(min_row=2, values_only=True) if r[1]}
    assert values[("Reach", "Unique visitors in the period")] == 4
    assert values[("Reach", "New in the period")] == 2
    assert values[("Data completeness", "Education")] == "50.0% (2/4)"
    rows = list(visitors.iter_rows(values_only=True))
    assert len(rows) == 1 + 4
    codes = {row[1] for row in rows[1:]}
    assert dataset.a.pseudonymous_code in codes
    flat = " ".join(str(c) for row in rows for c in row)
    for name in ("Anna", "Peeters", "Bram", "Chris", "Els"):
        assert name not in flat
    assert "1960-1964" in flat


def test_the_pdf_has_charts_and_a_completeness_section(dataset):
    data = selectors.report_data(digibank=dataset.digibank, **MARCH)
    pdf = exports.render_pdf(data)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert dataset.digibank.name in text
    assert "Volledigheid" in text or "completeness" in text.lower()
    assert "Anna" not in text and "Peeters" not in text
    html = exports.render_to_string("reporting/report_pdf.html", exports.pdf_context(data))
    assert html.count("<svg") >= 3


def test_the_scheduled_run_makes_last_month_and_on_quarter_day_last_quarter(dataset, mailoutbox):
    coordinator = make_member(Role.COORDINATOR, dataset.digibank)
    ids = services.report_schedule(today=dt.date(2025, 4, 1))
    # 3 scopes (2 digibanks + all) x 2 periods x 3 formats
    assert len(ids) == 18
    periods = set(ReportFile.objects.values_list("period_start", "period_end"))
    assert periods == {
        (dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    }
    for pk in ids:
        services.report_file_generate(report_file_id=pk)
    assert ReportFile.objects.filter(status="ready").count() == 18
    # One mail per digibank and period, to its coordinators, sent on commit.
    assert all(m.to == [coordinator.email] for m in mailoutbox if coordinator.email in m.to)


def test_scheduled_runs_are_idempotent(dataset):
    first = services.report_schedule(today=dt.date(2025, 5, 1))
    assert len(first) == 9  # no quarter in May
    for pk in first:
        services.report_file_generate(report_file_id=pk)
    files = {r.pk: r.file.name for r in ReportFile.objects.all()}
    again = tasks.generate_scheduled_reports(today="2025-05-01")
    assert again == []
    assert ReportFile.objects.count() == 9
    assert {r.pk: r.file.name for r in ReportFile.objects.all()} == files
    services.report_file_generate(report_file_id=first[0])  # a second delivery: nothing changes
    assert ReportFile.objects.get(pk=first[0]).file.name == files[first[0]]


def test_coordinators_are_mailed_once_when_all_formats_are_ready(
    dataset, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = make_member(Role.COORDINATOR, dataset.digibank)
    ids = services.report_schedule(today=dt.date(2025, 5, 1))
    mine = list(
        ReportFile.objects.filter(pk__in=ids, digibank=dataset.digibank).values_list(
            "pk", flat=True
        )
    )
    for pk in mine:
        with django_capture_on_commit_callbacks(execute=True):
            services.report_file_generate(report_file_id=pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [coordinator.email]
    assert "2025" in mailoutbox[0].subject
    assert dataset.digibank.name in mailoutbox[0].body


def test_a_failed_run_leaves_no_file_and_can_be_retried(dataset, monkeypatch, tmp_path):
    report = ReportFile.objects.create(
        digibank=dataset.digibank,
        format="pdf",
        kind="scheduled",
        **{"period_start": MARCH["start"], "period_end": MARCH["end"]},
    )

    def broken(data, fmt):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(exports, "render", broken)
    with pytest.raises(RuntimeError):
        services.report_file_generate(report_file_id=report.pk)
    report.refresh_from_db()
    assert report.status == "failed" and "renderer crashed" in report.error
    assert not report.file
    media = Path(tmp_path / "media")
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    monkeypatch.undo()
    services.report_schedule(today=dt.date(2025, 4, 2))  # a failed file is queued again
    services.report_file_generate(report_file_id=report.pk)
    report.refresh_from_db()
    assert report.status == "ready" and report.file


def test_a_transient_error_keeps_the_file_waiting_for_a_retry(dataset, monkeypatch):
    report = ReportFile.objects.create(
        digibank=dataset.digibank,
        format="csv",
        kind="on_demand",
        period_start=MARCH["start"],
        period_end=MARCH["end"],
    )

    def gone(**kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(selectors, "report_data", gone)
    with pytest.raises(OperationalError):
        services.report_file_generate(report_file_id=report.pk)
    report.refresh_from_db()
    assert report.status == "pending" and not report.file


def test_the_generate_task_marks_failed_after_the_last_retry(dataset, monkeypatch):
    report = ReportFile.objects.create(
        digibank=dataset.digibank,
        format="csv",
        kind="on_demand",
        period_start=MARCH["start"],
        period_end=MARCH["end"],
    )

    def gone(**kwargs):
        raise OperationalError("database away")

    monkeypatch.setattr(services, "report_file_generate", gone)
    task = tasks.generate_report
    task.push_request(retries=task.max_retries)
    try:
        with pytest.raises(OperationalError):
            task.run(report.pk)
    finally:
        task.pop_request()
    report.refresh_from_db()
    assert report.status == "failed" and "database away" in report.error


def test_learning_indicators_command_prints_the_json_contract(dataset, capsys):
    call_command(
        "learning_indicators",
        "--digibank",
        "tienen",
        "--start",
        "2025-03-01",
        "--end",
        "2025-03-31",
    )
    output = json.loads(capsys.readouterr().out)
    assert set(output) >= {
        "digibank",
        "period",
        "indicators",
        "profile_by_service_form",
        "completeness",
    }
    assert output["digibank"] == "tienen"
    assert output["period"] == {"start": "2025-03-01", "end": "2025-03-31"}
    assert list(output["indicators"]) == [str(i) for i in range(1, 13)]
    one = output["indicators"]["1"]
    assert (one["total"], one["new"], one["cumulative"], one["target"]) == (4, 2, 4, 1000)
    assert one["by_service_form"]["computer_room"] == 2
    assert set(output["profile_by_service_form"]) == {
        "individual_support",
        "training",
        "lending",
        "computer_room",
    }
    for form in output["profile_by_service_form"].values():
        assert set(form) == {
            "gender",
            "language",
            "education",
            "employment",
            "age_band",
            "target_groups",
        }
    assert output["profile_by_service_form"]["lending"]["gender"]["male"] == 1
    assert output["indicators"]["10"]["available"] is True
    assert output["indicators"]["10"]["totals"]["booked"] == 0
    assert output["indicators"]["11"]["total"]["started"] == 0


def test_learning_indicators_command_limits_to_a_location(dataset, capsys):
    call_command(
        "learning_indicators",
        "--digibank",
        "tienen",
        "--start",
        "2025-03-01",
        "--end",
        "2025-03-31",
        "--location",
        "recupke",
    )
    output = json.loads(capsys.readouterr().out)
    assert output["indicators"]["1"]["total"] == 1


def test_department_report_command_writes_each_format(dataset, tmp_path):
    for fmt in ("xlsx", "csv", "pdf"):
        target = tmp_path / f"report.{fmt}"
        call_command(
            "department_report",
            "--digibank",
            "tienen",
            "--start",
            "2025-03-01",
            "--end",
            "2025-03-31",
            "--format",
            fmt,
            "--output",
            str(target),
        )
        assert target.stat().st_size > 100
    text = (tmp_path / "report.csv").read_text("utf-8-sig")
    assert dataset.a.pseudonymous_code in text and "Anna" not in text


def test_commands_refuse_bad_input(dataset):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "learning_indicators",
            "--digibank",
            "nope",
            "--start",
            "2025-03-01",
            "--end",
            "2025-03-31",
        )
    with pytest.raises(CommandError):
        call_command(
            "learning_indicators",
            "--digibank",
            "tienen",
            "--start",
            "2025-13-01",
            "--end",
            "2025-03-31",
        )
