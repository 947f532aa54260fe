from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from digibank.models import MFA_ROLES, Membership, Role

SESSION_DIGIBANK_KEY = "current_digibank_id"


def memberships_for(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, active=True)
        .select_related("digibank", "organisation")
        .order_by("digibank__name")
    )


class CurrentDigibankMiddleware:
    """Sets `request.memberships`, `request.membership` and `request.digibank`.

    A user with several memberships picks the current digibank (kept in the session).
    A superuser without a membership works as coordinator of the digibank they pick.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = []
        request.membership = None
        request.digibank = None
        user = request.user
        if user.is_authenticated:
            request.memberships = memberships_for(user)
            wanted = request.session.get(SESSION_DIGIBANK_KEY)
            chosen = next((m for m in request.memberships if m.digibank_id == wanted), None)
            if chosen is None and request.memberships:
                chosen = request.memberships[0]
            if chosen is None and user.is_superuser:
                from digibank.models import Digibank

                digibank = Digibank.objects.filter(pk=wanted).first() or Digibank.objects.first()
                if digibank is not None:
                    chosen = Membership(user=user, digibank=digibank, role=Role.COORDINATOR)
            request.membership = chosen
            request.digibank = chosen.digibank if chosen else None
        return self.get_response(request)


# Paths a user who still has to set up two-factor login may visit.
MFA_SETUP_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/favicon")


class RequireMFAMiddleware:
    """Coordinators, department staff and superusers must set up TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.MFA_REQUIRED and self._needs_setup(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _needs_setup(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if request.path.startswith(MFA_SETUP_ALLOWED_PREFIXES):
            return False
        if not (user.is_superuser or any(m.role in MFA_ROLES for m in request.memberships)):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class DutchFirstMiddleware:
    """Dutch unless the user chose English with the switch in the header (a cookie).

    Desk tablets and library computers are often set up in English or French; the browser's
    Accept-Language must not turn a Dutch-speaking volunteer's screens into English. Placed
    before django.middleware.locale.LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
