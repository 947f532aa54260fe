"""Objects of this app fetched scoped to the user's digibank (another digibank's id answers 404).

Referrers reach only the enrolments and appointments they made themselves."""

from __future__ import annotations

from django.http import HttpRequest

from digibank.access import current_role, get_scoped_or_404
from digibank.models import Role
from sessions_app.models import (
    Activity,
    Appointment,
    Enrolment,
    OpeningException,
    OpeningHours,
    Session,
    WalkIn,
)


def get_activity_for_user(request: HttpRequest, pk: int) -> Activity:
    return get_scoped_or_404(
        request, Activity.objects.select_related("location", "theme", "organisation"), pk=pk
    )


def get_session_for_user(request: HttpRequest, pk: int) -> Session:
    return get_scoped_or_404(
        request,
        Session.objects.select_related("activity__location", "activity__digibank", "location"),
        pk=pk,
    )


def get_enrolment_for_user(request: HttpRequest, pk: int) -> Enrolment:
    queryset = Enrolment.objects.select_related("activity", "session", "visitor")
    if current_role(request) == Role.REFERRER:
        queryset = queryset.filter(enrolled_by=request.user)
    return get_scoped_or_404(request, queryset, pk=pk)


def get_appointment_for_user(request: HttpRequest, pk: int) -> Appointment:
    queryset = Appointment.objects.select_related(
        "location__digibank", "visitor", "booked_by", "assigned_helper", "participation"
    )
    if current_role(request) == Role.REFERRER:
        queryset = queryset.filter(booked_by=request.user)
    return get_scoped_or_404(request, queryset, pk=pk)


def get_walk_in_for_user(request: HttpRequest, pk: int) -> WalkIn:
    return get_scoped_or_404(
        request, WalkIn.objects.select_related("location", "visitor", "participation"), pk=pk
    )


def get_opening_hours_for_user(request: HttpRequest, pk: int) -> OpeningHours:
    return get_scoped_or_404(request, OpeningHours.objects.select_related("location"), pk=pk)


def get_opening_exception_for_user(request: HttpRequest, pk: int) -> OpeningException:
    return get_scoped_or_404(request, OpeningException.objects.select_related("location"), pk=pk)
