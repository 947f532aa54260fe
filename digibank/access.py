"""Access in one place: who may do what, and objects fetched scoped to the user's digibank.

Every view fetches objects through a helper here (or one in its app built on `scoped`)
so that another digibank's object answers 404, never 403 or data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from digibank.models import Digibank, Invitation, Location, Membership, Organisation, Role

M = TypeVar("M", bound=Model)

# What each capability allows, by role. Coordinators can do all a digihelper can.
DESK_ROLES = frozenset({Role.VOLUNTEER, Role.COORDINATOR})
MANAGE_ROLES = frozenset({Role.COORDINATOR})
ENROL_ROLES = frozenset({Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER})
DIGIBANK_ROLES = frozenset({Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER})
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT})


def current_role(request: HttpRequest) -> str | None:
    membership = getattr(request, "membership", None)
    return membership.role if membership else None


def has_role(request: HttpRequest, roles: frozenset[str] | set[str]) -> bool:
    return current_role(request) in roles


def role_required(*roles: str) -> Callable:
    """The view needs a logged-in user whose current membership has one of `roles`.

    Anonymous users go to the login page. A wrong role answers 403 on a page without an
    object, and 404 on a page of one object (`/locaties/7/`): whether object 7 exists, and in
    which digibank, is nobody's business but its own members'. With a digibank role the
    request carries `request.digibank` (never None) for scoping.
    """
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if current_role(request) not in allowed:
                if kwargs:
                    raise Http404
                raise PermissionDenied
            if allowed & DIGIBANK_ROLES and current_role(request) in DIGIBANK_ROLES:
                assert request.digibank is not None
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


def public_view(view: Callable) -> Callable:
    """Mark a view as open to anonymous visitors (invitation links, public programme, privacy).

    The security suite (tests/security) checks that every view WITHOUT this mark sends
    anonymous visitors to the login page; marked views are tested as public instead.
    """
    view.public = True  # type: ignore[attr-defined]
    return view


desk_required = role_required(*DESK_ROLES)
coordinator_required = role_required(*MANAGE_ROLES)
enrol_required = role_required(*ENROL_ROLES)
department_required = role_required(*DEPARTMENT_ROLES)


def scoped(request: HttpRequest, queryset: QuerySet[M], *, field: str = "digibank") -> QuerySet[M]:
    """`queryset` limited to the request's current digibank (empty without one)."""
    digibank = getattr(request, "digibank", None)
    if digibank is None:
        return queryset.none()
    return queryset.filter(**{field: digibank})


def get_scoped_or_404(
    request: HttpRequest, queryset: QuerySet[M], *, field: str = "digibank", **lookup
) -> M:
    try:
        return scoped(request, queryset, field=field).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def get_location_for_user(request: HttpRequest, pk: int) -> Location:
    return get_scoped_or_404(request, Location.objects.select_related("host_organisation"), pk=pk)


def get_organisation_for_user(request: HttpRequest, pk: int) -> Organisation:
    return get_scoped_or_404(request, Organisation.objects.all(), pk=pk)


def get_membership_for_user(request: HttpRequest, pk: int) -> Membership:
    return get_scoped_or_404(
        request, Membership.objects.select_related("user", "organisation"), pk=pk
    )


def get_invitation_for_user(request: HttpRequest, pk: int) -> Invitation:
    return get_scoped_or_404(request, Invitation.objects.select_related("invited_by"), pk=pk)


def get_digibank_for_department(request: HttpRequest, pk: int) -> Digibank:
    """Department staff see every digibank (in aggregate only)."""
    if current_role(request) != Role.DEPARTMENT:
        raise Http404
    try:
        return Digibank.objects.get(pk=pk)
    except Digibank.DoesNotExist:
        raise Http404 from None
