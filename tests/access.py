"""Assert that a URL is closed to everyone who should not reach it.

Every view test calls `assert_outsiders_get_404(url, ...)` (another digibank's members get 404)
and, for role-limited pages, `assert_roles_refused(url, ...)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.test import Client

from digibank.models import Digibank, Role
from tests.factories import DigibankFactory, make_member

DIGIBANK_ROLES = (Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_outsiders_get_404(
    url: str,
    *,
    method: str = "get",
    data: dict | None = None,
    roles: Iterable[str] = DIGIBANK_ROLES,
    other_digibank: Digibank | None = None,
) -> None:
    """Members of another digibank, in every role, get 404 for `url` (an object of ours)."""
    other_digibank = other_digibank or DigibankFactory()
    for role in roles:
        outsider = make_member(role, other_digibank)
        response = getattr(client_for(outsider), method)(url, data or {})
        assert response.status_code == 404, (
            f"{role} of another digibank got {response.status_code} for {method.upper()} {url}"
        )


def assert_roles_refused(
    url: str,
    *,
    digibank: Digibank,
    roles: Iterable[str],
    method: str = "get",
    data: dict | None = None,
) -> None:
    """Members of our own digibank with these roles are refused (403, or 404 for department)."""
    for role in roles:
        user = make_member(role, digibank)
        response = getattr(client_for(user), method)(url, data or {})
        assert response.status_code in (403, 404), f"{role} got {response.status_code} for {url}"


def assert_anonymous_redirected(url: str, *, method: str = "get") -> None:
    response = getattr(Client(), method)(url)
    assert response.status_code == 302, f"anonymous got {response.status_code} for {url}"
    assert "/accounts/login/" in response["Location"]
