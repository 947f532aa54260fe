"""Thin views: validate a form, call one service, add a message, redirect."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.access import (
    coordinator_required,
    current_role,
    desk_required,
    enrol_required,
    get_location_for_user,
    public_view,
)
from digibank.models import Digibank, Location, Role
from digibank.views import desk_location
from registration.exceptions import RegistrationError
from registration.forms import CONCERNED_SERVICE_SUGGESTIONS, HelpQuestionForm
from registration.selectors import current_consent_text
from registration.services import help_question_record, visitor_register
from sessions_app import selectors, services
from sessions_app.access import (
    get_activity_for_user,
    get_appointment_for_user,
    get_enrolment_for_user,
    get_opening_exception_for_user,
    get_opening_hours_for_user,
    get_session_for_user,
    get_walk_in_for_user,
)
from sessions_app.exceptions import SessionsError
from sessions_app.forms import (
    ActivityForm,
    BookingForm,
    EnrolForm,
    HomeVisitForm,
    OpeningExceptionForm,
    OpeningHoursForm,
    RollCallAnonymousForm,
    SessionForm,
    ThemeForm,
    ThemeWishForm,
    VisitorMinimalForm,
    WalkInForm,
)
from sessions_app.models import (
    AppointmentKind,
    AppointmentStatus,
    Theme,
    WalkInStatus,
)


def _is_referrer(request: HttpRequest) -> bool:
    return current_role(request) == Role.REFERRER


def _error(request: HttpRequest, error: SessionsError) -> None:
    messages.error(request, error.message)


def _visitor_picker(request: HttpRequest) -> dict:
    """Search by name or code (GET q) and the chosen visitor (GET visitor): name, birth year
    and code only."""
    query = request.GET.get("q", "")
    chosen = None
    if request.GET.get("visitor", "").isdigit():
        chosen = selectors.visitor_for_booking(digibank=request.digibank, pk=request.GET["visitor"])
    return {
        "query": query,
        "results": selectors.visitor_search_minimal(digibank=request.digibank, query=query),
        "chosen": chosen,
        "keep_params": [(k, v) for k, v in request.GET.items() if k not in ("q", "visitor")],
    }


def _visitor_from_post(request: HttpRequest, value) -> object:
    visitor = selectors.visitor_for_booking(digibank=request.digibank, pk=value)
    if visitor is None:
        raise Http404
    return visitor


# -- Programme and activities --------------------------------------------------------------------


@enrol_required
def programme_internal(request: HttpRequest) -> HttpResponse:
    """Sessions to come with free seats: the page digihelpers and referrers enrol from."""
    return render(
        request,
        "sessions_app/session_list.html",
        {
            "rows": selectors.upcoming_sessions(digibank=request.digibank),
            "can_manage": current_role(request) == Role.COORDINATOR,
        },
    )


@public_view
def programme_public(request: HttpRequest, slug: str) -> HttpResponse:
    """The printable programme of a digibank; no login needed."""
    digibank = get_object_or_404(Digibank, slug=slug)
    return render(
        request,
        "sessions_app/programme_public.html",
        {"digibank": digibank, "rows": selectors.programme(digibank=digibank)},
    )


@coordinator_required
def activity_list(request: HttpRequest) -> HttpResponse:
    themes = Theme.objects.filter(digibank=request.digibank)
    return render(
        request,
        "sessions_app/activity_list.html",
        {
            "activities": selectors.activity_list(digibank=request.digibank),
            "themes": themes,
            "theme_form": ThemeForm(),
        },
    )


@coordinator_required
@require_POST
def theme_create(request: HttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.theme_create(
                digibank=request.digibank, name=form.cleaned_data["name"], actor=request.user
            )
        except SessionsError as error:
            _error(request, error)
        else:
            messages.success(request, _("The theme has been added."))
    else:
        messages.error(request, _("Give the theme a name."))
    return redirect("sessions_app:activity_list")


@coordinator_required
def activity_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    activity = get_activity_for_user(request, pk) if pk else None
    initial = {}
    if activity is not None:
        initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
    form = ActivityForm(request.POST or None, initial=initial, digibank=request.digibank)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_save(
                digibank=request.digibank,
                actor=request.user,
                activity=activity,
                **form.cleaned_data,
            )
        except SessionsError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The activity has been saved."))
            return redirect("sessions_app:activity_detail", activity.pk)
    return render(request, "sessions_app/activity_form.html", {"form": form, "activity": activity})


@enrol_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request, pk)
    rows = selectors.session_rows(activity.sessions.all().order_by("starts_at"))
    enrolments = selectors.enrolments_for(
        activity=activity, only_enrolled_by=request.user if _is_referrer(request) else None
    )
    return render(
        request,
        "sessions_app/activity_detail.html",
        {
            "activity": activity,
            "rows": rows,
            "enrolments": enrolments,
            "session_form": SessionForm(digibank=request.digibank)
            if current_role(request) == Role.COORDINATOR
            else None,
            "is_referrer": _is_referrer(request),
            "now": timezone.now(),
        },
    )


@coordinator_required
@require_POST
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request, pk)
    form = SessionForm(request.POST, digibank=request.digibank)
    if not form.is_valid() or "starts_at" not in form.cleaned_data:
        messages.error(request, _("Give a date, a start time and an end time."))
        return redirect("sessions_app:activity_detail", activity.pk)
    data = form.cleaned_data
    try:
        for week in range(data["repeat_weeks"]):
            shift = dt.timedelta(weeks=week)
            services.session_create(
                activity=activity,
                actor=request.user,
                starts_at=data["starts_at"] + shift,
                ends_at=data["ends_at"] + shift,
                location=data["location"],
            )
    except SessionsError as error:
        _error(request, error)
    else:
        messages.success(request, _("The date has been added."))
    return redirect("sessions_app:activity_detail", activity.pk)


@coordinator_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    services.session_cancel(session=session, actor=request.user)
    messages.success(request, _("The date has been cancelled."))
    return redirect("sessions_app:activity_detail", session.activity_id)


@enrol_required
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol a visitor: pick the visitor (search), the date (not for a series), confirm."""
    activity = get_activity_for_user(request, pk)
    if request.method == "POST":
        form = EnrolForm(request.POST)
        if form.is_valid():
            visitor = _visitor_from_post(request, form.cleaned_data["visitor"])
            session = None
            if form.cleaned_data.get("session"):
                session = get_session_for_user(request, form.cleaned_data["session"])
            try:
                enrolment = services.enrolment_create(
                    activity=activity,
                    session=session,
                    visitor=visitor,
                    actor=request.user,
                    membership=request.membership,
                )
            except SessionsError as error:
                _error(request, error)
            else:
                if enrolment.status == "waiting":
                    messages.warning(
                        request,
                        _("All seats are taken: %(name)s is on the waiting list.")
                        % {"name": visitor.first_name},
                    )
                else:
                    messages.success(
                        request, _("%(name)s is enrolled.") % {"name": visitor.first_name}
                    )
                return redirect("sessions_app:activity_detail", activity.pk)
        else:
            messages.error(request, _("Choose a visitor first."))
    rows = selectors.session_rows(
        activity.sessions.filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True)
    )
    return render(
        request,
        "sessions_app/enrol.html",
        {"activity": activity, "rows": rows, **_visitor_picker(request)},
    )


@enrol_required
@require_POST
def enrolment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_user(request, pk)
    try:
        promoted = services.enrolment_cancel(enrolment=enrolment, actor=request.user)
    except SessionsError as error:
        _error(request, error)
    else:
        messages.success(request, _("The enrolment has been cancelled."))
        if promoted is not None:
            messages.info(
                request,
                _("%(name)s moved up from the waiting list.")
                % {"name": promoted.visitor.first_name},
            )
    return redirect("sessions_app:activity_detail", enrolment.activity_id)


# -- Roll call -----------------------------------------------------------------------------------


@desk_required
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    if request.method == "POST":
        listed = {int(v) for v in request.POST.getlist("listed") if v.isdigit()}
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            added, removed = services.roll_call_save(
                session=session,
                actor=request.user,
                listed_visitor_ids=listed,
                present_visitor_ids=present,
            )
        except SessionsError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("Attendance saved: %(added)s added, %(removed)s removed.")
                % {"added": added, "removed": removed},
            )
        return redirect("sessions_app:roll_call", session.pk)
    data = selectors.roll_call(session=session)
    return render(
        request,
        "sessions_app/roll_call.html",
        {
            "session": session,
            **data,
            **_visitor_picker(request),
            "anonymous_form": RollCallAnonymousForm(initial={"count": data["anonymous"]}),
            "wish_form": ThemeWishForm(prefix="wish"),
        },
    )


@desk_required
@require_POST
def roll_call_walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    visitor = _visitor_from_post(request, request.POST.get("visitor") or 0)
    try:
        services.attendance_add_walk_in(session=session, visitor=visitor, actor=request.user)
    except SessionsError as error:
        _error(request, error)
    else:
        messages.success(request, _("%(name)s is marked present.") % {"name": visitor.first_name})
    return redirect("sessions_app:roll_call", session.pk)


@desk_required
@require_POST
def roll_call_anonymous(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    form = RollCallAnonymousForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a number between 0 and 500."))
    else:
        try:
            services.attendance_set_anonymous(
                session=session, count=form.cleaned_data["count"], actor=request.user
            )
        except SessionsError as error:
            _error(request, error)
        else:
            messages.success(request, _("The number of anonymous participants has been saved."))
    return redirect("sessions_app:roll_call", session.pk)


@desk_required
@require_POST
def theme_wish_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    form = ThemeWishForm(request.POST, prefix="wish")
    if not form.is_valid():
        messages.error(request, _("Write down the wish and the number of people (1 or more)."))
    else:
        try:
            services.theme_wish_add(session=session, actor=request.user, **form.cleaned_data)
        except SessionsError as error:
            _error(request, error)
        else:
            messages.success(request, _("The wish has been noted."))
    return redirect("sessions_app:roll_call", session.pk)


# -- Digipunt: opening hours ---------------------------------------------------------------------


@desk_required
def digipunt_list(request: HttpRequest) -> HttpResponse:
    locations = Location.objects.filter(digibank=request.digibank, active=True)
    return render(
        request,
        "sessions_app/digipunt_list.html",
        {"locations": locations, "desk_location": desk_location(request)},
    )


@coordinator_required
def opening_hours(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for_user(request, pk)
    hours_form = OpeningHoursForm(request.POST if "add_hours" in request.POST else None)
    exception_form = OpeningExceptionForm(
        request.POST if "add_exception" in request.POST else None,
        auto_id="exception_%s",  # the two forms share field names; ids must differ
    )
    if request.method == "POST":
        form, service = (
            (hours_form, services.opening_hours_add)
            if "add_hours" in request.POST
            else (exception_form, services.opening_exception_save)
        )
        if form.is_valid():
            try:
                service(location=location, actor=request.user, **form.cleaned_data)
            except SessionsError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The opening hours have been saved."))
                return redirect("sessions_app:opening_hours", location.pk)
    return render(
        request,
        "sessions_app/opening_hours.html",
        {
            "location": location,
            **selectors.opening_hours_of(location=location),
            "hours_form": hours_form,
            "exception_form": exception_form,
        },
    )


@coordinator_required
@require_POST
def opening_hours_delete(request: HttpRequest, pk: int) -> HttpResponse:
    hours = get_opening_hours_for_user(request, pk)
    services.opening_hours_delete(hours=hours, actor=request.user)
    messages.success(request, _("The opening hours have been removed."))
    return redirect("sessions_app:opening_hours", hours.location_id)


@coordinator_required
@require_POST
def opening_exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_opening_exception_for_user(request, pk)
    services.opening_exception_delete(exception=exception, actor=request.user)
    messages.success(request, _("The exception has been removed."))
    return redirect("sessions_app:opening_hours", exception.location_id)


# -- Digipunt: day view, walk-ins ----------------------------------------------------------------


def _day_from(request: HttpRequest) -> dt.date:
    return parse_date(request.GET.get("datum", "") or "") or timezone.localdate()


@desk_required
def day_view(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for_user(request, pk)
    day = _day_from(request)
    return render(
        request,
        "sessions_app/day_view.html",
        {
            "location": location,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "is_today": day == timezone.localdate(),
            **selectors.day_view(location=location, day=day),
            "walk_in_form": WalkInForm(),
        },
    )


@desk_required
@require_POST
def walk_in_add(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_location_for_user(request, pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        visitor = _visitor_from_post(request, data["visitor"]) if data.get("visitor") else None
        try:
            services.walk_in_add(
                location=location,
                actor=request.user,
                visitor=visitor,
                call_name=data["call_name"],
                question=data["question"],
                triage=data["triage"],
            )
        except SessionsError as error:
            _error(request, error)
        else:
            messages.success(request, _("Added to the queue."))
    else:
        messages.error(request, _("Choose short or long question."))
    return redirect("sessions_app:day_view", location.pk)


@desk_required
@require_POST
def walk_in_status(request: HttpRequest, pk: int) -> HttpResponse:
    walk_in = get_walk_in_for_user(request, pk)
    try:
        walk_in = services.walk_in_set_status(
            walk_in=walk_in, status=request.POST.get("status", ""), actor=request.user
        )
    except SessionsError as error:
        _error(request, error)
        return redirect("sessions_app:day_view", walk_in.location_id)
    if walk_in.status == WalkInStatus.HELPED:
        messages.success(request, _("Helped. Note what the question was about."))
        return redirect("sessions_app:walk_in_question", walk_in.pk)
    messages.success(request, _("Removed from the queue."))
    return redirect("sessions_app:day_view", walk_in.location_id)


def _help_question(request: HttpRequest, participation, back_url: str, title: str) -> HttpResponse:
    form = HelpQuestionForm(request.POST or None, digibank=request.digibank)
    if request.method == "POST" and form.is_valid():
        try:
            help_question_record(
                participation=participation, actor=request.user, **form.cleaned_data
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The help question has been saved."))
            return redirect(back_url)
    return render(
        request,
        "sessions_app/help_question.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "suggestions": CONCERNED_SERVICE_SUGGESTIONS,
        },
    )


@desk_required
def walk_in_question(request: HttpRequest, pk: int) -> HttpResponse:
    walk_in = get_walk_in_for_user(request, pk)
    if walk_in.participation is None:
        raise Http404
    return _help_question(
        request,
        walk_in.participation,
        reverse("sessions_app:day_view", args=[walk_in.location_id]),
        _("Walk-in %(name)s: what was the question?") % {"name": walk_in.call_name},
    )


# -- Appointments --------------------------------------------------------------------------------


@enrol_required
def book(request: HttpRequest) -> HttpResponse:
    """Book an appointment: choose location and day, a free time, the visitor and the question."""
    locations = Location.objects.filter(digibank=request.digibank, active=True).exclude(
        kind=Location.Kind.HOME_VISITS
    )
    location = None
    location_id = request.GET.get("locatie") or request.POST.get("location")
    if location_id and str(location_id).isdigit():
        location = get_location_for_user(request, int(location_id))
    day = _day_from(request)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and location is not None:
        if form.is_valid():
            data = form.cleaned_data
            visitor = _visitor_from_post(request, data["visitor"])
            try:
                appointment = services.appointment_book(
                    location=location,
                    visitor=visitor,
                    starts_at=data["slot"],
                    question=data["question"],
                    actor=request.user,
                    membership=request.membership,
                    idempotency_key=data.get("idempotency_key") or None,
                )
            except SessionsError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The appointment has been booked."))
                return redirect("sessions_app:appointment_detail", appointment.pk)
        day = (
            timezone.localtime(form.cleaned_data["slot"]).date()
            if form.cleaned_data.get("slot")
            else day
        )
    slots = selectors.free_slots(location=location, day=day) if location else []
    return render(
        request,
        "sessions_app/book.html",
        {
            "locations": locations,
            "location": location,
            "day": day,
            "slots": slots,
            "closure": selectors.closure_on(location=location, day=day) if location else None,
            "form": form,
            "idempotency_key": request.POST.get("idempotency_key") or secrets.token_urlsafe(16),
            "chosen_slot": request.POST.get("slot", ""),
            **_visitor_picker(request),
        },
    )


@enrol_required
def home_visit(request: HttpRequest) -> HttpResponse:
    form = HomeVisitForm(
        request.POST or None,
        digibank=request.digibank,
        initial={
            "location": Location.objects.filter(
                digibank=request.digibank, kind=Location.Kind.HOME_VISITS, active=True
            ).first()
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visitor = _visitor_from_post(request, data["visitor"])
        helper = data["assigned_helper"].user if data.get("assigned_helper") else None
        try:
            appointment = services.home_visit_request(
                location=data["location"],
                visitor=visitor,
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                question=data["question"],
                address=data["address"],
                assigned_helper=helper,
                actor=request.user,
                membership=request.membership,
                idempotency_key=data.get("idempotency_key") or None,
            )
        except SessionsError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The home visit has been planned."))
            return redirect("sessions_app:appointment_detail", appointment.pk)
    return render(
        request,
        "sessions_app/home_visit.html",
        {
            "form": form,
            "idempotency_key": request.POST.get("idempotency_key") or secrets.token_urlsafe(16),
            **_visitor_picker(request),
        },
    )


@enrol_required
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The appointment, printable as a slip for the visitor."""
    appointment = get_appointment_for_user(request, pk)
    return render(
        request,
        "sessions_app/appointment_detail.html",
        {
            "appointment": appointment,
            "is_desk": current_role(request) in (Role.VOLUNTEER, Role.COORDINATOR),
            "is_home_visit": appointment.kind == AppointmentKind.HOME_VISIT,
            "can_cancel": appointment.status == AppointmentStatus.BOOKED,
        },
    )


@enrol_required
@require_POST
def appointment_status(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_user(request, pk)
    status = request.POST.get("status", "")
    if _is_referrer(request) and status != AppointmentStatus.CANCELLED:
        raise Http404
    try:
        appointment = services.appointment_set_status(
            appointment=appointment, status=status, actor=request.user
        )
    except SessionsError as error:
        _error(request, error)
        return redirect("sessions_app:appointment_detail", appointment.pk)
    if appointment.status == AppointmentStatus.ATTENDED:
        messages.success(request, _("Checked in. Note what the question was about."))
        return redirect("sessions_app:appointment_question", appointment.pk)
    messages.success(request, _("The appointment has been updated."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("sessions_app:appointment_detail", appointment.pk)


@desk_required
def appointment_question(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_user(request, pk)
    if appointment.participation is None:
        raise Http404
    return _help_question(
        request,
        appointment.participation,
        reverse("sessions_app:day_view", args=[appointment.location_id])
        + f"?datum={timezone.localtime(appointment.starts_at).date().isoformat()}",
        _("Appointment of %(name)s: what was the question?")
        % {"name": appointment.visitor.first_name},
    )


# -- Visitors (minimal) --------------------------------------------------------------------------


@enrol_required
def visitor_new(request: HttpRequest) -> HttpResponse:
    """Register someone new with the four required fields, then go back to the booking."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("sessions_app:book")
    form = VisitorMinimalForm(request.POST or None)
    consent_text = current_consent_text(digibank=request.digibank)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visitor, _created = visitor_register(
                digibank=request.digibank,
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_year=data["birth_year"],
                postcode=data["postcode"].strip(),
                consent_text=consent_text if data["consent"] else None,
                minor_confirmed=data["confirm_minor"],
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("%(name)s has been registered.") % {"name": visitor.first_name}
            )
            separator = "&" if "?" in next_url else "?"
            return redirect(f"{next_url}{separator}visitor={visitor.pk}")
    return render(
        request,
        "sessions_app/visitor_new.html",
        {"form": form, "next": next_url, "consent_text": consent_text},
    )
