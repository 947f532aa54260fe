"""HTML and JavaScript typed into any text field comes back escaped on every page."""

from django.test import Client

from digibank.models import Location, Organisation, Role
from tests.access import client_for
from tests.security.crawl import data_forms, pages
from tests.security.inventory import ALL_ROLES

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)>\"'"
RAW_MARKERS = ("<script>alert(", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("


def _assert_escaped(body: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in body, f"unescaped {marker!r} on {where}"


def test_a_location_and_an_organisation_named_with_html_are_shown_escaped(coordinator_client):
    response = coordinator_client.post(
        "/beheer/organisaties/nieuw/", {"name": PAYLOAD, "type": "library", "active": "on"}
    )
    assert response.status_code == 302
    response = coordinator_client.post(
        "/beheer/locaties/nieuw/",
        {
            "name": PAYLOAD[:150],
            "kind": "fixed",
            "address": PAYLOAD,
            "municipality": PAYLOAD[:100],
            "opening_notes": PAYLOAD,
            "active": "on",
        },
    )
    assert response.status_code == 302
    location = Location.objects.get()
    organisation = Organisation.objects.get()
    assert location.name == PAYLOAD and organisation.name == PAYLOAD  # stored as typed
    for url in (
        "/beheer/locaties/",
        f"/beheer/locaties/{location.pk}/",
        "/beheer/organisaties/",
        f"/beheer/organisaties/{organisation.pk}/",
        "/",
    ):
        body = coordinator_client.get(url).content.decode()
        _assert_escaped(body, url)
        assert ESCAPED in body, f"the name is not shown at all on {url}"


def test_html_in_every_text_field_of_every_form_is_escaped_everywhere(world):
    """Fill every text field of every form of every page with HTML, then look at every page."""
    coordinator = client_for(world.member(Role.COORDINATOR))
    submitted = []
    for client, public in ((coordinator, False), (Client(), True)):
        for route, html in list(pages(world, client, public=public)):
            page_url = world.url(route)
            for form, target in data_forms(html, page_url):
                if not any(f.is_text for f in form.fields):
                    continue
                response = client.post(target, form.filled(PAYLOAD), follow=True)
                assert response.status_code < 500, f"{target}: {response.status_code}"
                _assert_escaped(response.content.decode(), f"the answer to {target}")
                submitted.append(route.name)
    assert {"digibank:location_create", "digibank:organisation_create"} <= set(submitted)
    assert "invitation_accept" in submitted
    for role in ALL_ROLES:
        for route, body in pages(world, client_for(world.member(role))):
            _assert_escaped(body, f"{route} as {role}")
    # What was typed is shown (escaped) on the lists.
    assert ESCAPED in coordinator.get("/beheer/locaties/").content.decode()
    assert ESCAPED in coordinator.get("/beheer/organisaties/").content.decode()
    assert ESCAPED in coordinator.get("/beheer/leden/").content.decode()  # the new member's name


SHORT_PAYLOAD = "<script>alert(1)</script>"
NOT_FREE_TEXT = ("slug", "key", "code", "email", "token", "file", "password", "postcode")


def _poison_every_free_text_field() -> list[str]:
    """Put HTML into every free-text column of every row of ours (names, questions, titles,
    notes, wishes, brands ...), as if typed anywhere (a form, an import, the admin)."""
    from django.apps import apps
    from django.db import models
    from django.db.models import Value
    from django.db.models.functions import Cast, Concat

    from tests.security.inventory import project_app_labels

    touched = []
    for model in apps.get_models():
        if model._meta.app_label not in project_app_labels() or model._meta.proxy:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not f.choices
            and not f.unique
            and (f.max_length or 1000) >= len(SHORT_PAYLOAD) + 10
            and not any(part in f.name for part in NOT_FREE_TEXT)
        ]
        if fields and model.objects.exists():
            # The id keeps values apart where a constraint wants them unique.
            value = Concat(Value(SHORT_PAYLOAD), Cast("pk", models.CharField()))
            model.objects.update(**dict.fromkeys(fields, value))
            touched.extend(f"{model._meta.label}.{name}" for name in fields)
    return touched


def test_html_stored_in_any_text_column_is_shown_escaped_on_every_page(world):
    """Forms that need a chosen visitor or a step before them (booking, import preview) are not
    reached by the crawl above; what they store is covered here."""
    world.fill()
    touched = _poison_every_free_text_field()
    assert {"registration.Visitor.first_name", "sessions_app.Appointment.question"} <= set(touched)
    for role in ALL_ROLES:
        client = client_for(world.member(role))
        for route, body in pages(world, client):
            _assert_escaped(body, f"{route} as {role}")
    for route, body in pages(world, Client(), public=True):
        _assert_escaped(body, f"{route} (public)")
