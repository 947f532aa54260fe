"""Lending objects fetched scoped to the user's digibank (another digibank's id answers 404)."""

from __future__ import annotations

from django.http import HttpRequest

from digibank.access import get_scoped_or_404
from lending.models import CheckIn, Device, Donation, Loan, Reminder
from registration.models import Visitor


def get_device_for_user(request: HttpRequest, pk: int) -> Device:
    return get_scoped_or_404(
        request,
        Device.objects.select_related("location", "donation", "refurbishing_partner"),
        pk=pk,
    )


def get_donation_for_user(request: HttpRequest, pk: int) -> Donation:
    return get_scoped_or_404(request, Donation.objects.all(), pk=pk)


def get_loan_for_user(request: HttpRequest, pk: int) -> Loan:
    return get_scoped_or_404(
        request,
        Loan.objects.select_related(
            "digibank",
            "visitor",
            "device",
            "location",
            "requested_by",
            "intro_enrolment__session__activity",
            "intro_enrolment__activity",
            "approved_by",
            "referrer_organisation",
            "eligibility_check",
        ),
        pk=pk,
    )


def get_check_in_for_user(request: HttpRequest, pk: int) -> CheckIn:
    return get_scoped_or_404(
        request, CheckIn.objects.select_related("loan"), field="loan__digibank", pk=pk
    )


def get_reminder_for_user(request: HttpRequest, pk: int) -> Reminder:
    return get_scoped_or_404(
        request, Reminder.objects.select_related("loan"), field="loan__digibank", pk=pk
    )


def get_visitor_for_user(request: HttpRequest, pk: int) -> Visitor:
    return get_scoped_or_404(
        request, Visitor.objects.filter(merged_into__isnull=True, erased_at__isnull=True), pk=pk
    )
