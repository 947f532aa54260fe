"""Views of the legacy import, exports, consent texts, retention, access log and the public
privacy page (issue 4). Coordinators only, except the public privacy page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.access import coordinator_required, get_scoped_or_404, public_view
from digibank.models import Digibank
from registration import importing, privacy, retention
from registration.exceptions import RegistrationError
from registration.forms_privacy import (
    AccessLogFilterForm,
    ConsentTextForm,
    ExportForm,
    ImportConfirmForm,
    ImportUploadForm,
)
from registration.models import ConsentText, ImportBatch
from registration.resources import export_build
from registration.selectors import current_consent_text

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def get_import_batch_for_user(request: HttpRequest, pk: int) -> ImportBatch:
    return get_scoped_or_404(request, ImportBatch.objects.select_related("uploaded_by"), pk=pk)


# -- Legacy import -----------------------------------------------------------------------------


@coordinator_required
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = importing.import_batch_upload(
                digibank=request.digibank,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
            )
        except RegistrationError as error:
            form.add_error("file", error.message)
        else:
            return redirect("registration:import_preview", pk=batch.pk)
    batches = ImportBatch.objects.filter(digibank=request.digibank).select_related(
        "uploaded_by", "imported_by"
    )[:20]
    return render(
        request,
        "registration/import_upload.html",
        {"form": form, "batches": batches, "max_mb": _max_upload_mb()},
    )


def _max_upload_mb() -> float:
    from django.conf import settings

    return round(settings.IMPORT_MAX_UPLOAD_BYTES / 1_048_576, 1)


@coordinator_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_batch_for_user(request, pk)
    if batch.status == ImportBatch.Status.IMPORTED:
        return render(request, "registration/import_result.html", {"batch": batch})
    preview = batch.preview
    form = ImportConfirmForm(
        request.POST if request.method == "POST" else None,
        digibank=request.digibank,
        unknown_locations=preview.get("unknown_locations", []),
        unknown_referrers=preview.get("unknown_referrers", []),
    )
    if request.method == "POST" and form.is_valid():
        try:
            importing.import_batch_confirm(
                batch=batch,
                actor=request.user,
                location_choices=form.location_choices(),
                referrer_choices=form.referrer_choices(),
            )
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The file has been imported."))
        return redirect("registration:import_preview", pk=batch.pk)
    return render(
        request,
        "registration/import_preview.html",
        {"batch": batch, "preview": preview, "form": form},
    )


@coordinator_required
@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_batch_for_user(request, pk)
    if batch.status == ImportBatch.Status.IMPORTED:
        messages.error(request, _("This file has already been imported."))
    else:
        importing.import_batch_discard(batch=batch, actor=request.user)
        messages.success(request, _("The uploaded file has been removed."))
    return redirect("registration:import_upload")


# -- Export ------------------------------------------------------------------------------------


@coordinator_required
def export_page(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        kind, file_format = form.cleaned_data["kind"], form.cleaned_data["file_format"]
        content, _rows = export_build(
            digibank=request.digibank, actor=request.user, kind=kind, file_format=file_format
        )
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        filename = f"{request.digibank.slug}-{kind}-{timezone.localdate():%Y%m%d}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "registration/export.html", {"form": form})


# -- Consent texts -----------------------------------------------------------------------------


@coordinator_required
def consent_texts(request: HttpRequest) -> HttpResponse:
    form = ConsentTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = privacy.consent_text_publish(
                digibank=request.digibank, actor=request.user, text=form.cleaned_data["text"]
            )
        except RegistrationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("Version %(version)s is published. New registrations show this text.")
                % {"version": consent.version},
            )
            return redirect("registration:consent_texts")
    versions = ConsentText.objects.filter(digibank=request.digibank).select_related("created_by")
    return render(request, "registration/consent_texts.html", {"form": form, "versions": versions})


# -- Retention ---------------------------------------------------------------------------------


@coordinator_required
def retention_preview(request: HttpRequest) -> HttpResponse:
    """The dry run of the nightly anonymisation: who would be affected now."""
    due = retention.visitors_due_for_anonymisation(digibank=request.digibank)
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registration/retention_preview.html",
        {
            "page": page,
            "count": page.paginator.count,
            "cutoff": retention.retention_cutoff(digibank=request.digibank),
            "months": request.digibank.retention_months,
        },
    )


# -- Access log --------------------------------------------------------------------------------


@coordinator_required
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None, digibank=request.digibank)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = privacy.access_log_entries(
        digibank=request.digibank,
        actor_id=filters["actor"].pk if filters.get("actor") else None,
        visitor_code=filters.get("visitor_code") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    visitors = privacy.visitors_by_id(
        digibank=request.digibank, ids=[entry.object_id for entry in page]
    )
    rows = [(entry, visitors.get(entry.object_id)) for entry in page]
    return render(
        request, "registration/access_log.html", {"form": form, "page": page, "rows": rows}
    )


# -- Public privacy page -----------------------------------------------------------------------


@public_view
def privacy_page(request: HttpRequest, slug: str) -> HttpResponse:
    """For visitors and partners, no login: what is stored, why, how long, who sees it."""
    digibank = get_object_or_404(Digibank, slug=slug)
    return render(
        request,
        "registration/privacy_page.html",
        {
            "digibank": digibank,
            "consent": current_consent_text(digibank=digibank),
            "retention_years": digibank.retention_months // 12,
            "retention_whole_years": digibank.retention_months % 12 == 0,
        },
    )
