"""Thin views of the lending service: validate a form, call one service, message, redirect."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.access import (
    DESK_ROLES,
    MANAGE_ROLES,
    coordinator_required,
    desk_required,
    enrol_required,
    has_role,
)
from digibank.models import Role
from digibank.selectors import audit_entries_for
from digibank.views import desk_location
from lending import pdf, selectors, services
from lending.access import (
    get_check_in_for_user,
    get_device_for_user,
    get_donation_for_user,
    get_loan_for_user,
    get_reminder_for_user,
    get_visitor_for_user,
)
from lending.exceptions import LendingError
from lending.forms import (
    ApproveForm,
    BookPickupForm,
    CheckInPlanForm,
    CheckInRecordForm,
    DeviceFilterForm,
    DeviceForm,
    DeviceStatusForm,
    DonationForm,
    EligibilityForm,
    ExtendForm,
    LendingSettingsForm,
    LoanRequestForm,
    LostForm,
    PickupForm,
    ReasonForm,
    ReturnForm,
    WipeForm,
)
from lending.models import Loan, LoanStatus

PAGE_SIZE = 50


def _apply_error(form: forms.Form, error: LendingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# -- Overview ----------------------------------------------------------------------------------


@desk_required
def overview(request: HttpRequest) -> HttpResponse:
    digibank = request.digibank
    lending = services.settings_for(digibank)
    return render(
        request,
        "lending/overview.html",
        {
            "counts": selectors.desk_counts(digibank=digibank),
            "stock": selectors.device_stock_counts(digibank=digibank),
            "requested": selectors.loan_list(digibank=digibank, status=LoanStatus.REQUESTED)[:20],
            "approved": selectors.loan_list(digibank=digibank, status=LoanStatus.APPROVED)[:20],
            "overdue": selectors.overdue_loans(digibank=digibank)[:20],
            "due_soon": selectors.due_soon_loans(digibank=digibank, days=lending.reminder_days)[
                :20
            ],
        },
    )


@desk_required
def due_list(request: HttpRequest) -> HttpResponse:
    """Overdue loans, loans due soon and check-ins coming up."""
    digibank = request.digibank
    days = services.settings_for(digibank).reminder_days * 2
    return render(
        request,
        "lending/due_list.html",
        {
            "overdue": selectors.overdue_loans(digibank=digibank),
            "due_soon": selectors.due_soon_loans(digibank=digibank, days=days),
            "check_ins": selectors.check_ins_due(digibank=digibank, days=days),
            "days": days,
        },
    )


# -- Devices -----------------------------------------------------------------------------------


def _filtered_devices(request: HttpRequest):
    form = DeviceFilterForm(request.GET or None, digibank=request.digibank)
    filters = form.cleaned_data if form.is_valid() else {}
    location = filters.get("location")
    devices = selectors.device_list(
        digibank=request.digibank,
        type=filters.get("type", ""),
        status=filters.get("status", ""),
        location_id=location.pk if location else None,
        search=filters.get("q", "").strip(),
    )
    return form, devices


@desk_required
def device_list(request: HttpRequest) -> HttpResponse:
    form, devices = _filtered_devices(request)
    page = Paginator(devices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lending/device_list.html",
        {"filter_form": form, "page": page, "query": request.GET.urlencode()},
    )


@desk_required
def device_labels(request: HttpRequest) -> HttpResponse:
    """Printable asset-tag labels for the filtered devices."""
    _form, devices = _filtered_devices(request)
    return render(request, "lending/device_labels.html", {"devices": devices[:300]})


@coordinator_required
def device_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    device = get_device_for_user(request, pk) if pk else None
    initial = {}
    if device is not None:
        initial = {name: getattr(device, name) for name in services.DEVICE_FIELDS}
    elif request.GET.get("donation"):
        initial = {"source": "donated", "donation": request.GET.get("donation")}
    form = DeviceForm(request.POST or None, initial=initial, digibank=request.digibank)
    if request.method == "POST" and form.is_valid():
        try:
            if device is None:
                device = services.device_create(
                    digibank=request.digibank, actor=request.user, **form.cleaned_data
                )
            else:
                services.device_update(device=device, actor=request.user, **form.cleaned_data)
        except LendingError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The device has been saved."))
            return redirect("lending:device_detail", pk=device.pk)
    return render(request, "lending/device_form.html", {"form": form, "device": device})


@desk_required
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_device_for_user(request, pk)
    return render(
        request,
        "lending/device_detail.html",
        {
            "device": device,
            "loans": selectors.device_loans(device=device),
            "wipes": selectors.device_wipes(device=device),
            "wipe_form": WipeForm(initial={"wiped_on": timezone.localdate()}),
            "status_form": DeviceStatusForm(initial={"status": device.status}),
            "history": audit_entries_for(device),
            "can_manage": has_role(request, MANAGE_ROLES),
        },
    )


@desk_required
def device_wipe(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_device_for_user(request, pk)
    form = WipeForm(request.POST or None, initial={"wiped_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.wipe_record(device=device, actor=request.user, **form.cleaned_data)
        except LendingError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The wipe has been recorded."))
            return redirect("lending:device_detail", pk=device.pk)
    return render(request, "lending/device_wipe.html", {"form": form, "device": device})


@coordinator_required
@require_POST
def device_status(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_device_for_user(request, pk)
    form = DeviceStatusForm(request.POST)
    if form.is_valid():
        try:
            services.device_set_status(
                device=device, actor=request.user, status=form.cleaned_data["status"]
            )
        except LendingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The status has been changed."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("lending:device_detail", pk=device.pk)


# -- Donations ---------------------------------------------------------------------------------


@coordinator_required
def donation_list(request: HttpRequest) -> HttpResponse:
    form = DonationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donation = services.donation_create(
                digibank=request.digibank, actor=request.user, **form.cleaned_data
            )
        except LendingError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The donation has been saved. Now add its devices."))
            return redirect("lending:donation_detail", pk=donation.pk)
    return render(
        request,
        "lending/donation_list.html",
        {"donations": selectors.donation_list(digibank=request.digibank), "form": form},
    )


@coordinator_required
def donation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_donation_for_user(request, pk)
    return render(
        request,
        "lending/donation_detail.html",
        {"donation": donation, "devices": selectors.donation_report(donation=donation)},
    )


@coordinator_required
def donation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    donation = get_donation_for_user(request, pk)
    response = HttpResponse(pdf.wipe_statement_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="wisverklaring-{donation.pk}.pdf"'
    return response


# -- Loans -------------------------------------------------------------------------------------


@desk_required
def loan_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in LoanStatus.values:
        status = ""
    loans = selectors.loan_list(digibank=request.digibank, status=status)
    page = Paginator(loans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lending/loan_list.html",
        {"page": page, "status": status, "statuses": LoanStatus.choices},
    )


@enrol_required
def loan_request(request: HttpRequest, visitor_pk: int) -> HttpResponse:
    visitor = get_visitor_for_user(request, visitor_pk)
    location = desk_location(request)
    initial = {"location": location}
    membership = request.membership
    if membership and membership.organisation_id:
        initial["referrer_organisation"] = membership.organisation_id
    form = LoanRequestForm(request.POST or None, initial=initial, digibank=request.digibank)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data["referrer_organisation"] is None and has_role(request, {Role.REFERRER}):
            # A referrer asks on behalf of the organisation they work for.
            data["referrer_organisation"] = membership.organisation
        try:
            loan = services.loan_request(visitor=visitor, actor=request.user, **data)
        except LendingError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The loan request has been saved."))
            if has_role(request, DESK_ROLES):
                return redirect("lending:loan_detail", pk=loan.pk)
            return redirect("home")
    return render(request, "lending/loan_request.html", {"form": form, "visitor": visitor})


def _loan_forms(loan: Loan, *, bound: dict | None = None) -> dict:
    """The action forms that fit the loan's status (one of them possibly bound with errors)."""
    today = timezone.localdate()
    free = selectors.free_devices(digibank=loan.digibank, device_type=loan.device_type)
    lending = services.settings_for(loan.digibank)
    last_check = loan.visitor.eligibility_checks.order_by("-checked_on", "-id").first()
    found: dict = {}
    if loan.status == LoanStatus.REQUESTED:
        found["eligibility_form"] = EligibilityForm(digibank=loan.digibank)
        found["approve_form"] = ApproveForm(
            loan=loan,
            free_devices=free,
            initial={
                "term": lending.default_term,
                "eligibility_check": last_check,
                "location": loan.location,
            },
        )
        found["cancel_form"] = ReasonForm()
    elif loan.status == LoanStatus.APPROVED:
        if loan.device_id is None:
            found["book_form"] = BookPickupForm(
                loan=loan, free_devices=free, initial={"location": loan.location}
            )
        else:
            found["pickup_form"] = PickupForm(
                loan=loan, initial={"picked_up_on": today, "location": loan.location}
            )
        found["cancel_form"] = ReasonForm()
    elif loan.status == LoanStatus.ACTIVE:
        found["return_form"] = ReturnForm(initial={"returned_on": today})
        found["lost_form"] = LostForm(initial={"lost_on": today})
        found["check_in_plan_form"] = CheckInPlanForm()
        found["check_in_record_form"] = CheckInRecordForm(initial={"done_on": today})
        if not loan.is_permanent:
            found["extend_form"] = ExtendForm()
            found["permanent_form"] = ReasonForm()
    found.update(bound or {})
    return found


def _render_loan(request: HttpRequest, loan: Loan, bound: dict | None = None, status=200):
    context = {
        "loan": loan,
        "can_manage": has_role(request, MANAGE_ROLES),
        "history": audit_entries_for(loan),
        **selectors.loan_detail_context(loan=loan),
        **_loan_forms(loan, bound=bound),
    }
    # One record form per open check-in, each with its own ids (the posted one keeps its errors).
    record_form = context.pop("check_in_record_form", None)
    if record_form is not None:
        for check_in in context.get("check_ins", []):
            if check_in.done_on is None:
                check_in.record_form = (
                    record_form
                    if getattr(record_form, "check_in_pk", None) == check_in.pk
                    else CheckInRecordForm(
                        initial={"done_on": timezone.localdate()},
                        auto_id=f"checkin{check_in.pk}_%s",
                    )
                )
    return render(request, "lending/loan_detail.html", context, status=status)


@desk_required
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_loan(request, get_loan_for_user(request, pk))


def _loan_action(
    request: HttpRequest,
    loan: Loan,
    form: forms.Form,
    form_key: str,
    call: Callable[[dict], object],
    success: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except LendingError as error:
            _apply_error(form, error)
        else:
            messages.success(request, success)
            return redirect("lending:loan_detail", pk=loan.pk)
    messages.error(request, _("Check the fields below."))
    return _render_loan(request, loan, bound={form_key: form}, status=400)


@desk_required
@require_POST
def loan_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    form = EligibilityForm(request.POST, digibank=request.digibank)
    return _loan_action(
        request,
        loan,
        form,
        "eligibility_form",
        lambda data: services.eligibility_check_record(
            visitor=loan.visitor, actor=request.user, **data
        ),
        _("The eligibility check has been saved."),
    )


@coordinator_required
@require_POST
def loan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    free = selectors.free_devices(digibank=loan.digibank, device_type=loan.device_type)
    form = ApproveForm(request.POST, loan=loan, free_devices=free)
    return _loan_action(
        request,
        loan,
        form,
        "approve_form",
        lambda data: services.loan_approve(
            loan=loan, actor=request.user, membership=request.membership, **data
        ),
        _("The request has been approved."),
    )


@desk_required
@require_POST
def loan_book_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    free = selectors.free_devices(digibank=loan.digibank, device_type=loan.device_type)
    form = BookPickupForm(request.POST, loan=loan, free_devices=free)
    return _loan_action(
        request,
        loan,
        form,
        "book_form",
        lambda data: services.loan_book_pickup(
            loan=loan, actor=request.user, membership=request.membership, **data
        ),
        _("The device has been reserved and the pick-up planned."),
    )


@desk_required
@require_POST
def loan_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    form = PickupForm(request.POST, loan=loan)
    return _loan_action(
        request,
        loan,
        form,
        "pickup_form",
        lambda data: services.loan_pickup(loan=loan, actor=request.user, **data),
        _("The device has been handed over. The loan has started."),
    )


@desk_required
@require_POST
def loan_extend(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    return _loan_action(
        request,
        loan,
        ExtendForm(request.POST),
        "extend_form",
        lambda data: services.loan_extend(loan=loan, actor=request.user, **data),
        _("The loan has been extended."),
    )


@coordinator_required
@require_POST
def loan_permanent(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    return _loan_action(
        request,
        loan,
        ReasonForm(request.POST),
        "permanent_form",
        lambda data: services.loan_make_permanent(loan=loan, actor=request.user, **data),
        _("The device has been assigned permanently."),
    )


@desk_required
@require_POST
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    return _loan_action(
        request,
        loan,
        ReturnForm(request.POST),
        "return_form",
        lambda data: services.loan_return(loan=loan, actor=request.user, **data),
        _("The device is back. Wipe it before lending it out again."),
    )


@desk_required
@require_POST
def loan_lost(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    return _loan_action(
        request,
        loan,
        LostForm(request.POST),
        "lost_form",
        lambda data: services.loan_report_lost(loan=loan, actor=request.user, **data),
        _("The device has been reported lost or stolen."),
    )


@desk_required
@require_POST
def loan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    return _loan_action(
        request,
        loan,
        ReasonForm(request.POST),
        "cancel_form",
        lambda data: services.loan_cancel(loan=loan, actor=request.user, **data),
        _("The request has been cancelled."),
    )


@desk_required
@require_POST
def loan_check_in_plan(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    return _loan_action(
        request,
        loan,
        CheckInPlanForm(request.POST),
        "check_in_plan_form",
        lambda data: services.check_in_plan(loan=loan, actor=request.user, **data),
        _("The check-in moment has been planned."),
    )


@desk_required
@require_POST
def check_in_record(request: HttpRequest, pk: int) -> HttpResponse:
    check_in = get_check_in_for_user(request, pk)
    loan = get_loan_for_user(request, check_in.loan_id)
    form = CheckInRecordForm(request.POST, auto_id=f"checkin{check_in.pk}_%s")
    form.check_in_pk = check_in.pk
    return _loan_action(
        request,
        loan,
        form,
        "check_in_record_form",
        lambda data: services.check_in_record(check_in=check_in, actor=request.user, **data),
        _("The check-in has been recorded."),
    )


_SIMPLE_ACTIONS = {
    "deposit": (services.loan_record_deposit, _("The deposit has been recorded as paid.")),
    "refund": (services.loan_refund_deposit, _("The deposit has been refunded.")),
    "intro": (services.loan_intro_course_done, _("The intro course has been marked as done.")),
}


@desk_required
@require_POST
def loan_simple_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    service, success = _SIMPLE_ACTIONS[action]
    try:
        service(loan=loan, actor=request.user)
    except LendingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(success))
    return redirect("lending:loan_detail", pk=loan.pk)


@desk_required
def loan_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_loan_for_user(request, pk)
    if loan.device_id is None:
        messages.error(request, _("Reserve a device first; the agreement names it."))
        return redirect("lending:loan_detail", pk=loan.pk)
    response = HttpResponse(pdf.agreement_pdf(loan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bruikleenovereenkomst-{loan.pk}.pdf"'
    return response


# -- Waiting list, reminders, settings ---------------------------------------------------------


@desk_required
def waiting_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lending/waiting_list.html",
        {"rows": selectors.waiting_list(digibank=request.digibank)},
    )


@desk_required
def call_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lending/call_list.html",
        {"reminders": selectors.call_list(digibank=request.digibank)},
    )


@desk_required
@require_POST
def reminder_handled(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = get_reminder_for_user(request, pk)
    try:
        services.reminder_mark_handled(reminder=reminder, actor=request.user)
    except LendingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as done."))
    return redirect("lending:call_list")


@coordinator_required
def lending_settings(request: HttpRequest) -> HttpResponse:
    current = services.settings_for(request.digibank)
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    form = LendingSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lending_settings_update(
                digibank=request.digibank, actor=request.user, **form.cleaned_data
            )
        except LendingError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("lending:settings")
    return render(request, "lending/settings.html", {"form": form})
