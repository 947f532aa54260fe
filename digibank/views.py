from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank import selectors, services
from digibank.access import (
    coordinator_required,
    get_invitation_for_user,
    get_location_for_user,
    get_membership_for_user,
    get_organisation_for_user,
    public_view,
)
from digibank.exceptions import DigibankError
from digibank.forms import (
    InvitationAcceptForm,
    InvitationForm,
    LocationForm,
    MembershipForm,
    OrganisationForm,
)
from digibank.home import panels_for
from digibank.middleware import SESSION_DIGIBANK_KEY
from digibank.models import Invitation, Location, Role

SESSION_DESK_LOCATION_KEY = "desk_location_id"


def desk_location(request: HttpRequest) -> Location | None:
    """The location the digihelper works at today (chosen on the home page)."""
    if request.digibank is None:
        return None
    pk = request.session.get(SESSION_DESK_LOCATION_KEY)
    if pk is None:
        return None
    return Location.objects.filter(digibank=request.digibank, pk=pk, active=True).first()


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = request.membership.role if request.membership else None
    context: dict = {"role": role, "panels": panels_for(request)}
    if role is None:
        return render(request, "digibank/home_no_role.html", context, status=403)
    if role == Role.DEPARTMENT:
        context["digibanks"] = selectors.digibank_list_for_department()
    elif role == Role.COORDINATOR:
        context["overview"] = selectors.digibank_overview(digibank=request.digibank)
    if role in (Role.VOLUNTEER, Role.COORDINATOR):
        context["desk_location"] = desk_location(request)
        context["locations"] = Location.objects.filter(digibank=request.digibank, active=True)
    return render(request, f"digibank/home_{role}.html", context)


@login_required
@require_POST
def switch_digibank(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("digibank", "")
    match = next((m for m in request.memberships if str(m.digibank_id) == wanted), None)
    if match is None and not request.user.is_superuser:
        messages.error(request, _("You are not a member of that digibank."))
    else:
        request.session[SESSION_DIGIBANK_KEY] = int(wanted) if wanted.isdigit() else None
        request.session.pop(SESSION_DESK_LOCATION_KEY, None)
    return redirect("home")


@login_required
@require_POST
def set_desk_location(request: HttpRequest) -> HttpResponse:
    location = get_location_for_user(request, request.POST.get("location") or 0)
    request.session[SESSION_DESK_LOCATION_KEY] = location.pk
    messages.success(request, _("You are working at %(location)s today.") % {"location": location})
    return redirect(_safe_next(request, reverse("home")))


# -- Locations ---------------------------------------------------------------------------------


@coordinator_required
def location_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "digibank/location_list.html",
        {"locations": selectors.location_list(digibank=request.digibank)},
    )


@coordinator_required
def location_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    location = get_location_for_user(request, pk) if pk else None
    form = LocationForm(request.POST or None, instance=location, digibank=request.digibank)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_save(
                digibank=request.digibank,
                actor=request.user,
                location=location,
                **form.cleaned_data,
            )
        except DigibankError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The location has been saved."))
            return redirect("digibank:location_list")
    return render(request, "digibank/location_form.html", {"form": form, "location": location})


# -- Organisations -----------------------------------------------------------------------------


@coordinator_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "digibank/organisation_list.html",
        {"organisations": selectors.organisation_list(digibank=request.digibank)},
    )


@coordinator_required
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = get_organisation_for_user(request, pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_save(
                digibank=request.digibank,
                actor=request.user,
                organisation=organisation,
                **form.cleaned_data,
            )
        except DigibankError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The organisation has been saved."))
            return redirect("digibank:organisation_list")
    return render(
        request, "digibank/organisation_form.html", {"form": form, "organisation": organisation}
    )


# -- Members and invitations -------------------------------------------------------------------


@coordinator_required
def member_list(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, digibank=request.digibank)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                digibank=request.digibank,
                invited_by=request.user,
                accept_url_builder=lambda inv: request.build_absolute_uri(
                    reverse("invitation_accept", args=[inv.token])
                ),
                **form.cleaned_data,
            )
        except DigibankError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("digibank:member_list")
    return render(
        request,
        "digibank/member_list.html",
        {
            "members": selectors.member_list(digibank=request.digibank),
            "invitations": selectors.open_invitations(digibank=request.digibank),
            "form": form,
        },
    )


@coordinator_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_for_user(request, pk)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except DigibankError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("digibank:member_list")


@coordinator_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request, pk)
    form = MembershipForm(
        request.POST or None,
        digibank=request.digibank,
        initial={
            "role": membership.role,
            "active": membership.active,
            "organisation": membership.organisation,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership, actor=request.user, **form.cleaned_data
            )
        except DigibankError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The member has been updated."))
            return redirect("digibank:member_list")
    return render(
        request, "digibank/membership_form.html", {"form": form, "membership": membership}
    )


@public_view
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public page behind the link in the invitation e-mail."""
    invitation = Invitation.objects.select_related("digibank").filter(token=token).first()
    problem = None
    if invitation is None:
        problem = _("This invitation link is not valid.")
    else:
        try:
            services.invitation_check_open(invitation)
        except DigibankError as error:
            problem = error.message
    if problem:
        return render(request, "digibank/invitation_accept.html", {"problem": problem}, status=410)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.invitation_accept(token=token, user=request.user)
            elif form.is_valid():
                from allauth.account.utils import perform_login

                membership = services.invitation_accept(token=token, **form.cleaned_data)
                request.session[SESSION_DIGIBANK_KEY] = membership.digibank_id
                perform_login(request, membership.user)
            else:
                raise DigibankError(_("Check the fields below."))
        except DigibankError as error:
            if error.field:
                form.add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
        else:
            messages.success(
                request, _("Welcome to %(digibank)s.") % {"digibank": invitation.digibank.name}
            )
            return redirect("home")
    return render(
        request, "digibank/invitation_accept.html", {"invitation": invitation, "form": form}
    )


# -- Audit log ---------------------------------------------------------------------------------


@coordinator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    prefix = request.GET.get("action", "").strip()[:80]
    entries = selectors.audit_entries(digibank=request.digibank, action_prefix=prefix)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "digibank/audit_log.html", {"page": page, "action": prefix})
