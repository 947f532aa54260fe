"""Who may open which URL, tried for every URL of the project (see inventory.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from digibank.models import Location, Role
from tests.access import client_for
from tests.factories import LocationFactory
from tests.security.crawl import readable_text
from tests.security.inventory import (
    ALL_ROLES,
    DIGIBANK_ROLES,
    LOGIN_ONLY_URL_NAMES,
    POST_DATA,
    Route,
    routes,
)

ROUTES = routes()
GUARDED = [r for r in ROUTES if not r.public]
ROLE_LIMITED = [r for r in ROUTES if r.allowed_roles is not None]
WITH_OBJECT_IDS = [
    r
    for r in ROUTES
    if not r.public
    and "int" in r.args.values()
    and (r.allowed_roles is None or r.allowed_roles & set(DIGIBANK_ROLES))
]


def _ids(routes_: list[Route]) -> list[str]:
    return [r.name for r in routes_]


def _request(client: Client, url: str, data: dict | None = None, **extra):
    """GET the URL; a POST-only view (405) is tried with a POST (of `data`) instead."""
    response = client.get(url, **extra)
    if response.status_code == 405:
        response = client.post(url, data or {}, **extra)
    return response


def test_the_inventory_finds_the_foundation_s_urls():
    names = set(_ids(ROUTES))
    assert {
        "home",
        "digibank:location_edit",
        "digibank:invitation_revoke",
        "invitation_accept",
        "account_login",
    } <= names
    assert not any(r.pattern.startswith("admin/") for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_view_is_public_or_guarded_by_a_role(route):
    """A view of ours without `public_view` must say which roles may use it."""
    if route.public or route.name in LOGIN_ONLY_URL_NAMES or not route.is_project_view:
        return
    assert route.allowed_roles, (
        f"{route.name} has no role decorator: use digibank.access.role_required (or one of "
        f"desk_required, coordinator_required, ...) or mark it public_view"
    )


@pytest.mark.parametrize("route", GUARDED, ids=str)
def test_anonymous_visitors_are_sent_to_the_login_page(world, route):
    response = _request(Client(), world.url(route))
    assert response.status_code == 302, f"anonymous got {response.status_code} for {route}"
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("route", [r for r in ROUTES if r.public], ids=str)
def test_public_pages_open_without_login_and_show_no_personal_data(world, route):
    url = world.url(route)
    response = _request(Client(), url)
    assert response.status_code < 500
    if response.status_code == 302 and route.is_project_view:
        # allauth's login stages (TOTP, login code) send visitors without a login in progress
        # back to the login page; our own public pages never ask for one.
        assert "/accounts/login/" not in response["Location"], f"{route} asks for a login"
    body = response.content.decode(errors="replace")
    leaked = [value for value in world.personal_values() if value in body]
    # The invitation page may greet the invited address; nothing else personal is shown.
    if route.name == "invitation_accept":
        leaked = [v for v in leaked if "uitgenodigd" not in v]
    assert not leaked, f"{route} shows {leaked}"


def refusal_status(route: Route) -> int:
    """403 on a page without an object; 404 on a page about one object (`/leningen/7/`), so
    a wrong role does not learn whether object 7 exists (digibank.access.role_required)."""
    return 404 if route.args else 403


@pytest.mark.parametrize("route", ROLE_LIMITED, ids=str)
def test_roles_outside_a_view_s_roles_are_refused(world, route):
    refused = [role for role in ALL_ROLES if role not in route.allowed_roles]
    url = world.url(route)
    for role in refused:
        response = _request(client_for(world.member(role)), url)
        assert response.status_code == refusal_status(route), (
            f"{role} got {response.status_code} for {url}"
        )


def test_a_volunteer_is_refused_every_coordinator_page(world):
    coordinator_only = [r for r in ROLE_LIMITED if r.allowed_roles == {Role.COORDINATOR}]
    assert len(coordinator_only) >= 8
    client = client_for(world.member(Role.VOLUNTEER))
    for route in coordinator_only:
        assert _request(client, world.url(route)).status_code == refusal_status(route), route


@pytest.mark.parametrize("route", WITH_OBJECT_IDS, ids=str)
def test_members_of_another_digibank_get_404_for_our_objects(world, route):
    roles = [r for r in DIGIBANK_ROLES if route.allowed_roles is None or r in route.allowed_roles]
    url = world.url(route, "ours")
    make_data = POST_DATA.get(route.name)
    for role in roles:
        # What they post is their own (their visitor): only our object in the URL is foreign.
        data = make_data(world, "theirs") if make_data else None
        response = _request(client_for(world.member(role, "theirs")), url, data)
        assert response.status_code == 404, (
            f"{role} of another digibank got {response.status_code} for {url}"
        )
    # The same URL works for our own members: the 404 above is about the digibank, not the id.
    for role in roles:
        data = make_data(world, "ours") if make_data else None
        response = _request(client_for(world.member(role, "ours")), url, data)
        assert response.status_code not in (403, 404), f"our {role} got 404 for {url}"
        assert response.status_code < 500


def test_a_digihelper_cannot_choose_another_digibank_s_location(world):
    theirs = LocationFactory(digibank=world.theirs)
    client = client_for(world.member(Role.VOLUNTEER))
    response = client.post("/beheer/werkplek/", {"location": theirs.pk})
    assert response.status_code == 404
    assert "desk_location_id" not in client.session
    ours = LocationFactory(digibank=world.ours)
    assert client.post("/beheer/werkplek/", {"location": ours.pk}).status_code == 302
    assert client.session["desk_location_id"] == ours.pk
    assert Location.objects.count() == 2


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_department_staff_never_get_a_page_with_names(world, route):
    if route.public:
        return  # the same for everyone: see test_public_pages_..._show_no_personal_data
    # Fill the digibanks with people first: members, and visitors once registration exists.
    world.fill()
    department = world.member(Role.DEPARTMENT)
    response = client_for(department).get(world.url(route), follow=True)
    assert response.status_code < 500
    if "html" not in response.get("Content-Type", "") and response.status_code != 200:
        return
    body = readable_text(response)
    leaked = [value for value in world.personal_values(except_user=department) if value in body]
    assert not leaked, f"department staff see {leaked} on {route}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_members_who_are_not_staff_do_not_reach_the_admin(world, role):
    response = client_for(world.member(role)).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
