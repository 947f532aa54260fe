"""No URL sends a visitor off-site through `next=` (open redirect)."""

from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from digibank.models import Role
from digibank.totp import totp_code
from tests.access import client_for
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from tests.security.inventory import routes

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]
ROUTES = routes()


def assert_stays_here(response, what: str) -> None:
    location = response.get("Location")
    if location is None:
        return
    parts = urlsplit(location)
    assert parts.netloc in ("", "testserver"), f"{what} sends to {location}"
    assert not location.startswith(("//", "/\\", "\\")), f"{what} sends to {location}"
    assert "evil.example" not in location.split("?")[0], f"{what} sends to {location}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_url_redirects_off_site_through_next(world, route):
    url = world.url(route)
    anonymous = Client()
    member = client_for(world.member(sorted(route.allowed_roles or {Role.COORDINATOR})[0]))
    for client in (anonymous, member):
        for target in EVIL:
            query = urlencode({"next": target})
            assert_stays_here(client.get(f"{url}?{query}"), f"GET {url}?{query}")
            assert_stays_here(
                client.post(f"{url}?{query}", {"next": target}), f"POST {url} next={target}"
            )


@pytest.mark.parametrize("target", EVIL)
def test_logging_in_with_a_foreign_next_lands_at_home(volunteer, target):
    client = Client()
    response = client.post(
        f"/accounts/login/?{urlencode({'next': target})}",
        {"login": volunteer.email, "password": TEST_PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_two_factor_step_also_refuses_a_foreign_next(coordinator):
    client = Client()
    target = "https://evil.example/"
    response = client.post(
        f"/accounts/login/?{urlencode({'next': target})}",
        {"login": coordinator.email, "password": TEST_PASSWORD, "next": target},
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_local_next_is_still_followed(volunteer):
    """Control: the login honours a `next` inside the app (so the refusals above mean it)."""
    response = Client().post(
        "/accounts/login/?next=/beheer/locaties/",
        {"login": volunteer.email, "password": TEST_PASSWORD, "next": "/beheer/locaties/"},
    )
    assert response["Location"] == "/beheer/locaties/"
