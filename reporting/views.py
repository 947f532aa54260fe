"""Screens of reporting: dashboards, signals, report files. Thin: a form, a selector or a
service, a template. Department staff only ever get aggregates and pseudonymous codes."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from digibank.access import (
    DEPARTMENT_ROLES,
    MANAGE_ROLES,
    coordinator_required,
    current_role,
    department_required,
    role_required,
)
from digibank.models import Role
from reporting import charts, exports, indicators, presenters, selectors, services
from reporting.exceptions import ReportingError
from reporting.forms import PeriodForm, ReportRequestForm
from reporting.labels import label
from reporting.models import ReportFile

reporting_required = role_required(*(MANAGE_ROLES | DEPARTMENT_ROLES))


def _is_department(request: HttpRequest) -> bool:
    return current_role(request) == Role.DEPARTMENT


def _evolution(form: PeriodForm, scope: dict) -> dict:
    """Unique, new and participations for the 6 periods (month, quarter or year) up to the
    end of the chosen period."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    granularity = data.get("evolution") or "quarter"
    periods = indicators.evolution(
        indicator="1",
        digibank_ids=scope["digibank_ids"],
        end=scope["end"],
        granularity=granularity,
        count=6,
        location_id=scope["location_id"],
    )
    rows = [
        [
            f"{p['period']['start']} - {p['period']['end']}",
            p["value"]["total"],
            p["value"]["new"],
            p["value"]["participations"],
        ]
        for p in periods
    ]
    return {
        "table": {
            "caption": _("Evolution"),
            "columns": [_("Period"), _("Unique visitors"), _("New"), _("Participations")],
            "rows": rows,
        },
        "chart": charts.column_chart(
            [(p["period"]["start"][:7], p["value"]["total"]) for p in periods],
            title=_("Unique visitors per period"),
        ),
    }


def _scope(request: HttpRequest, form: PeriodForm) -> dict:
    """digibank_ids, start, end, location_id for this user's filter: a coordinator always gets
    their own digibank; department staff all digibanks or the one chosen."""
    start, end = form.bounds()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if _is_department(request):
        chosen = data.get("digibank")
        return {
            "digibank_ids": [chosen.pk] if chosen else None,
            "start": start,
            "end": end,
            "location_id": None,
        }
    location = data.get("location")
    return {
        "digibank_ids": [request.digibank.pk],
        "start": start,
        "end": end,
        "location_id": location.pk if location else None,
    }


@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, digibank=request.digibank)
    scope = _scope(request, form)
    data = indicators.learning_indicators(**scope)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "headline": selectors.headline(digibank=request.digibank),
            "evolution": _evolution(form, scope),
            "sections": presenters.indicator_sections(data),
            "completeness": presenters.completeness_table(data["completeness"]),
            "months_chart": charts.column_chart(
                [(m["month"], m["unique"]) for m in data["indicators"]["1"]["by_month"]],
                title=_("Unique visitors per month"),
            ),
        },
    )


@department_required
def department_dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, department=True)
    scope = _scope(request, form)
    data = indicators.learning_indicators(**scope)
    summaries = indicators.digibank_summaries(
        digibank_ids=scope["digibank_ids"], start=scope["start"], end=scope["end"]
    )
    return render(
        request,
        "reporting/department.html",
        {
            "form": form,
            "scope": scope,
            "summaries": summaries,
            "evolution": _evolution(form, scope),
            "sections": presenters.indicator_sections(data),
            "completeness": presenters.completeness_table(data["completeness"]),
        },
    )


def _signal_form(request: HttpRequest) -> PeriodForm:
    if _is_department(request):
        return PeriodForm(request.GET or None, department=True)
    return PeriodForm(request.GET or None, digibank=request.digibank)


@reporting_required
def signal_list(request: HttpRequest) -> HttpResponse:
    form = _signal_form(request)
    scope = _scope(request, form)
    services_ = indicators.signal_report(**scope)
    for entry in services_:
        entry["typical_outcome_label"] = (
            label("outcome", entry["typical_outcome"]) if entry["typical_outcome"] else "-"
        )
        entry["content_text"] = presenters.share(entry["content_side"])
    return render(
        request,
        "reporting/signal_list.html",
        {
            "form": form,
            "scope": scope,
            "services": services_,
            "chart": charts.bar_chart(
                [(s["name"] or _("Unknown"), s["questions"]) for s in services_[:15]],
                title=_("Help questions per service"),
            ),
        },
    )


@reporting_required
def signal_detail(request: HttpRequest, key: str) -> HttpResponse:
    form = _signal_form(request)
    scope = _scope(request, form)
    found = indicators.signal_report(**scope, service_key="" if key == "unknown" else key)
    if not found:
        raise Http404
    service = found[0]
    return render(
        request,
        "reporting/signal_detail.html",
        {
            "form": form,
            "scope": scope,
            "service": service,
            "content_text": presenters.share(service["content_side"]),
            "typical": label("outcome", service["typical_outcome"])
            if service["typical_outcome"]
            else "-",
            "outcomes": [
                (label("outcome", k), presenters.share(v)) for k, v in service["by_outcome"].items()
            ],
            "chart": charts.column_chart(
                [(m["month"], m["questions"]) for m in service["by_month"]],
                title=_("Help questions per month"),
            ),
        },
    )


def get_report_file_for_user(request: HttpRequest, pk: int) -> ReportFile:
    """Department staff: any report file; a coordinator: their digibank's only (else 404)."""
    files = selectors.report_files_for(
        digibank=request.digibank, department=_is_department(request)
    )
    try:
        return files.get(pk=pk)
    except ReportFile.DoesNotExist:
        raise Http404 from None


@reporting_required
def report_file_list(request: HttpRequest) -> HttpResponse:
    department = _is_department(request)
    form = ReportRequestForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        digibank = form.cleaned_data.get("digibank") if department else request.digibank
        try:
            report = services.report_file_request(
                actor=request.user,
                digibank=digibank,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                fmt=form.cleaned_data["format"],
            )
        except ReportingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The report is being made."))
            return redirect("reporting:report_file_detail", pk=report.pk)
    files = selectors.report_files_for(digibank=request.digibank, department=department)[:200]
    return render(
        request,
        "reporting/report_file_list.html",
        {"form": form, "files": files, "department": department},
    )


@reporting_required
def report_file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_file_for_user(request, pk)
    return render(
        request,
        "reporting/report_file_detail.html",
        {
            "report": report,
            "waiting": report.status in (ReportFile.Status.PENDING, ReportFile.Status.RUNNING),
            "status_url": reverse("reporting:report_file_status", args=[report.pk]),
        },
    )


@reporting_required
def report_file_status(request: HttpRequest, pk: int) -> JsonResponse:
    report = get_report_file_for_user(request, pk)
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "ready": report.is_ready,
            "download_url": reverse("reporting:report_file_download", args=[report.pk])
            if report.is_ready
            else None,
        }
    )


@reporting_required
def report_file_download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_report_file_for_user(request, pk)
    if not report.is_ready:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=report.download_name,
        content_type=exports.CONTENT_TYPES[report.format],
    )
    response["Cache-Control"] = "private, no-store"
    return response
