import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration.models import ConsentText, HelpCategory, TargetGroup
from tests.factories import LocationFactory


@pytest.fixture
def consent_text(digibank, coordinator):
    ConsentText.objects.create(digibank=digibank, version=1, text="Oude tekst.")
    return ConsentText.objects.create(
        digibank=digibank,
        version=2,
        text="We schrijven je naam, geboortejaar en postcode op. Zo weten we of je al eens kwam.",
        created_by=coordinator,
    )


@pytest.fixture
def target_groups(digibank):
    return [
        TargetGroup.objects.create(digibank=digibank, code="age_55_74", name="55-74 jaar"),
        TargetGroup.objects.create(digibank=digibank, code="newcomer", name="Nieuwkomer"),
    ]


@pytest.fixture
def other_location(digibank):
    return LocationFactory(digibank=digibank, name="Sociaal Huis Tienen", slug="sociaal-huis")


@pytest.fixture
def categories(db):
    return {c.code: c for c in HelpCategory.objects.all()}


def at_desk(client, location):
    """The digihelper chooses where they work today (kept in the session)."""
    response = client.post(reverse("digibank:set_desk_location"), {"location": location.pk})
    assert response.status_code == 302
    return client


def count_queries(do):
    with CaptureQueriesContext(connection) as context:
        response = do()
    return response, len(context.captured_queries)


@pytest.fixture
def volunteer_at_desk(volunteer_client, location):
    return at_desk(volunteer_client, location)


@pytest.fixture
def coordinator_at_desk(coordinator_client, location):
    return at_desk(coordinator_client, location)
