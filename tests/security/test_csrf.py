"""A POST without the CSRF token is refused by every URL, and changes nothing."""

import pytest
from django.test import Client

from digibank.models import Role
from tests.security.crawl import row_counts
from tests.security.inventory import routes

ROUTES = routes()


def _client_for_route(world, route) -> Client:
    client = Client(enforce_csrf_checks=True)
    if route.public:
        return client
    # A role the view lets in, so a 403 can only come from the missing token.
    allowed = sorted(route.allowed_roles or {Role.COORDINATOR})
    client.force_login(world.member(allowed[0]))
    return client


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_post_without_csrf_token_is_refused(world, route):
    url = world.url(route)
    before = row_counts()
    response = _client_for_route(world, route).post(
        url, {"name": "Zonder token", "email": "x@example.be", "location": "1"}
    )
    assert response.status_code == 403, f"POST {url} without CSRF token: {response.status_code}"
    assert b"CSRF" in response.content
    assert row_counts() == before


def test_the_same_post_with_the_token_gets_through(world):
    """Control: the refusal above is the token's doing, not the form's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member(Role.COORDINATOR))
    client.get("/beheer/organisaties/nieuw/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/beheer/organisaties/nieuw/",
        {"csrfmiddlewaretoken": token, "name": "Met token", "type": "library", "active": "on"},
    )
    assert response.status_code == 302
    assert world.ours.organisations.filter(name="Met token").exists()
