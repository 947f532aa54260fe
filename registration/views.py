"""Desk and coordinator pages of registration. Thin: validate, call one service, redirect."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.access import coordinator_required, desk_required, get_scoped_or_404
from digibank.home import visitor_panels_for
from digibank.selectors import audit_entries_for
from digibank.views import desk_location
from registration import selectors, services
from registration.exceptions import RegistrationError
from registration.forms import (
    CONCERNED_SERVICE_SUGGESTIONS,
    AnonymousParticipationForm,
    DeskSearchForm,
    EraseForm,
    HelpQuestionForm,
    MergeForm,
    ParticipationForm,
    VisitorEditForm,
    VisitorFilterForm,
    VisitorRegisterForm,
    new_idempotency_key,
)
from registration.models import HelpQuestion, TargetGroup, Visitor, VisitorMerge

PAGE_SIZE = 50


# -- Access helpers: every object through the request's digibank (404 for outsiders) ----------


def get_visitor_for_user(request: HttpRequest, pk: int) -> Visitor:
    """An active visitor of the request's digibank."""
    return get_scoped_or_404(
        request,
        Visitor.objects.filter(merged_into__isnull=True).select_related(
            "consent_text", "consent_recorded_by", "created_by"
        ),
        pk=pk,
    )


def get_help_question_for_user(request: HttpRequest, pk: int) -> HelpQuestion:
    return get_scoped_or_404(
        request,
        HelpQuestion.objects.select_related("participation__digibank"),
        field="participation__digibank",
        pk=pk,
    )


def get_merge_for_user(request: HttpRequest, pk: int) -> VisitorMerge:
    return get_scoped_or_404(
        request, VisitorMerge.objects.select_related("survivor", "merged"), pk=pk
    )


def _error_to_form(form, error: RegistrationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# -- Desk --------------------------------------------------------------------------------------


def desk_context(request: HttpRequest, *, location=None) -> dict:
    """Search box, anonymous button, today's list and open follow-ups at the desk location."""
    location = location if location is not None else desk_location(request)
    return {
        "location": location,
        "search_form": DeskSearchForm(request.GET or None),
        "anonymous_key": new_idempotency_key(),
        "today": selectors.desk_day_list(digibank=request.digibank, location=location),
        "follow_ups": selectors.open_follow_ups(digibank=request.digibank, location=location)
        if location
        else [],
    }


@desk_required
def desk(request: HttpRequest) -> HttpResponse:
    """The desk: one search box, results with returning status; today's list without a search."""
    query = request.GET.get("q", "").strip()[:100]
    if query:  # results only: a short page, fast at any size of the ledger
        context = {
            "location": desk_location(request),
            "search_form": DeskSearchForm(request.GET),
            "anonymous_key": new_idempotency_key(),
        }
    else:
        context = desk_context(request)
    results = selectors.visitor_search(digibank=request.digibank, query=query) if query else []
    context.update(
        {
            "query": query,
            "results": results[: selectors.SEARCH_LIMIT],
            "more_results": len(results) > selectors.SEARCH_LIMIT,
        }
    )
    return render(request, "registration/desk.html", context)


@desk_required
@require_POST
def anonymous_participation(request: HttpRequest) -> HttpResponse:
    form = AnonymousParticipationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form expired. Please try again."))
        return redirect("registration:desk")
    try:
        _participation, created = services.anonymous_participation_record(
            digibank=request.digibank,
            actor=request.user,
            location=desk_location(request),
            **form.cleaned_data,
        )
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, _("An anonymous participation has been saved."))
        else:
            messages.info(request, _("This was already saved."))
    return redirect("registration:desk")


@desk_required
def participation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Register today's participation of a known visitor (one short form)."""
    visitor = get_scoped_or_404(
        request,
        selectors.with_returning_status(
            Visitor.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
        ),
        pk=pk,
    )
    location = desk_location(request)
    form = ParticipationForm(request.POST or None, digibank=request.digibank, location=location)
    question_form = HelpQuestionForm(
        request.POST or None,
        digibank=request.digibank,
        prefix="q",
        initial={"categories": []},
    )
    if request.method == "POST" and form.is_valid():
        wants_question = form.needs_help_question
        if not wants_question or question_form.is_valid():
            try:
                _participation, created = services.desk_participation_register(
                    digibank=request.digibank,
                    actor=request.user,
                    visitor=visitor,
                    help_question=question_form.cleaned_data if wants_question else None,
                    **form.cleaned_data,
                )
            except RegistrationError as error:
                target = question_form if error.field in question_form.fields else form
                _error_to_form(target, error)
            else:
                if created:
                    messages.success(
                        request,
                        _("The visit of %(visitor)s has been saved.") % {"visitor": visitor},
                    )
                else:
                    messages.info(request, _("This was already saved."))
                return redirect("registration:desk")
    return render(
        request,
        "registration/participation_form.html",
        {
            "visitor": visitor,
            "form": form,
            "question_form": question_form,
            "location": location,
            "recent": selectors.recent_participations(visitor=visitor),
            "suggestions": CONCERNED_SERVICE_SUGGESTIONS,
            "is_minor": services.is_minor(visitor.birth_year),
        },
    )


@desk_required
def visitor_create(request: HttpRequest) -> HttpResponse:
    """A new visitor: the four fields, optional profile, consent; likely duplicates first."""
    consent_text = selectors.current_consent_text(digibank=request.digibank)
    form = VisitorRegisterForm(request.POST or None, digibank=request.digibank)
    duplicates: list[Visitor] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        already = selectors.visitor_by_idempotency_key(
            digibank=request.digibank, key=data["idempotency_key"]
        )
        if already is not None:  # a double submit: the first one saved the person
            messages.info(request, _("This was already saved."))
            return redirect("registration:participation_create", pk=already.pk)
        if not request.POST.get("confirm_new"):
            duplicates = selectors.visitor_duplicates(
                digibank=request.digibank,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_year=data["birth_year"],
                postcode=data["postcode"],
            )
        if not duplicates:
            try:
                visitor, created = services.visitor_register(
                    digibank=request.digibank,
                    actor=request.user,
                    consent_text=consent_text,
                    minor_confirmed=data["confirm_minor"],
                    **{
                        name: data[name]
                        for name in (
                            "first_name",
                            "last_name",
                            "birth_year",
                            "postcode",
                            "gender",
                            "language",
                            "education",
                            "employment",
                            "target_groups",
                            "target_groups_answer",
                            "phone",
                            "email",
                            "idempotency_key",
                        )
                    },
                )
            except RegistrationError as error:
                _error_to_form(form, error)
            else:
                if created:
                    messages.success(
                        request,
                        _("%(visitor)s is registered with card code %(code)s.")
                        % {"visitor": visitor, "code": visitor.visitor_code},
                    )
                return redirect("registration:participation_create", pk=visitor.pk)
    return render(
        request,
        "registration/visitor_form.html",
        {"form": form, "consent_text": consent_text, "duplicates": duplicates},
    )


@desk_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_help_question_for_user(request, pk)
    try:
        services.follow_up_mark_done(help_question=question, actor=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The follow-up is marked as done."))
    return redirect("registration:desk")


# -- Coordinator -------------------------------------------------------------------------------


@coordinator_required
def visitor_list(request: HttpRequest) -> HttpResponse:
    form = VisitorFilterForm(request.GET or None, digibank=request.digibank)
    filters = form.cleaned_data if form.is_valid() else {}
    visitors = selectors.visitor_list(
        digibank=request.digibank,
        query=filters.get("q", ""),
        target_group=filters.get("target_group"),
        postcode=filters.get("postcode", ""),
        form_of_service=filters.get("form_of_service", ""),
        returning=filters.get("returning", ""),
    )
    page = Paginator(visitors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registration/visitor_list.html", {"form": form, "page": page})


@coordinator_required
def visitor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = get_scoped_or_404(
        request,
        Visitor.objects.select_related(
            "consent_text", "consent_recorded_by", "created_by", "merged_into"
        ).prefetch_related(Prefetch("target_groups", queryset=TargetGroup.objects.all())),
        pk=pk,
    )
    if visitor.merged_into_id is not None:
        messages.info(request, _("This record was merged into another one."))
        return redirect("registration:visitor_detail", pk=visitor.merged_into_id)
    services.visitor_view_record(visitor=visitor, actor=request.user)
    history = selectors.visitor_history(visitor=visitor)
    return render(
        request,
        "registration/visitor_detail.html",
        {
            "visitor": visitor,
            "participations": history,
            "merges": selectors.visitor_merges(visitor=visitor),
            "history": audit_entries_for(visitor),
            "panels": visitor_panels_for(request, visitor),
            "is_minor": services.is_minor(visitor.birth_year),
        },
    )


@coordinator_required
def visitor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = get_visitor_for_user(request, pk)
    if visitor.erased_at is not None:
        raise Http404
    form = VisitorEditForm(request.POST or None, digibank=request.digibank, visitor=visitor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.visitor_update(
                visitor=visitor,
                actor=request.user,
                target_groups=list(data["target_groups"]),
                **{
                    name: data[name]
                    for name in services.EDITABLE_FIELDS
                    if name != "target_groups_answer"
                },
                target_groups_answer=data["target_groups_answer"]
                if not data["target_groups"]
                else visitor.target_groups_answer,
            )
        except RegistrationError as error:
            _error_to_form(form, error)
        else:
            if changed:
                messages.success(request, _("The changes have been saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("registration:visitor_detail", pk=visitor.pk)
    return render(request, "registration/visitor_edit.html", {"form": form, "visitor": visitor})


@coordinator_required
def duplicate_candidates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/duplicates.html",
        {"pairs": selectors.duplicate_pairs(digibank=request.digibank)},
    )


@coordinator_required
def visitor_merge(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    first = get_visitor_for_user(request, pk)
    second = get_visitor_for_user(request, other_pk)
    if first.pk == second.pk or first.erased_at or second.erased_at:
        raise Http404
    form = MergeForm(request.POST if request.method == "POST" else None, first=first, second=second)
    if request.method == "POST" and form.is_valid():
        survivor, merged = (
            (first, second) if form.cleaned_data["keep"] == str(first.pk) else (second, first)
        )
        try:
            services.visitor_merge(survivor=survivor, merged=merged, actor=request.user)
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The records have been merged. You can undo this on the visitor's page."),
            )
            return redirect("registration:visitor_detail", pk=survivor.pk)
    annotated = selectors.with_returning_status(
        Visitor.objects.filter(pk__in=[first.pk, second.pk])
    ).in_bulk()
    return render(
        request,
        "registration/visitor_merge.html",
        {"form": form, "first": annotated[first.pk], "second": annotated[second.pk]},
    )


@coordinator_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_merge_for_user(request, pk)
    try:
        services.visitor_merge_undo(merge=merge, actor=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The merge has been undone."))
    return redirect("registration:visitor_detail", pk=merge.survivor_id)


@coordinator_required
def visitor_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = get_visitor_for_user(request, pk)
    services.visitor_export_record(visitor=visitor, actor=request.user, file_format="json")
    data = selectors.visitor_export_data(visitor=visitor)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="bezoeker-{visitor.visitor_code}.json"'
    return response


@coordinator_required
def visitor_export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    visitor = get_visitor_for_user(request, pk)
    services.visitor_export_record(visitor=visitor, actor=request.user, file_format="pdf")
    html = render_to_string(
        "registration/visitor_export.html",
        {
            "visitor": visitor,
            "participations": selectors.visitor_history(visitor=visitor),
            "generated_at": timezone.now(),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bezoeker-{visitor.visitor_code}.pdf"'
    return response


@coordinator_required
def visitor_erase(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = get_visitor_for_user(request, pk)
    if visitor.erased_at is not None:
        messages.info(request, _("This visitor has already been erased."))
        return redirect("registration:visitor_detail", pk=visitor.pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visitor_erase(visitor=visitor, actor=request.user)
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The personal data have been erased. The visits still count, anonymously."),
            )
            return redirect(reverse("registration:visitor_detail", args=[visitor.pk]))
    return render(request, "registration/visitor_erase.html", {"form": form, "visitor": visitor})
