"""A concerned service with a slash in its name ("Outlook / Hotmail", one of the desk's
suggestions) must not break the signal pages (found by the browser walkthroughs)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.identity import fold
from registration.models import HelpQuestion, Outcome
from tests.registration_factories import ParticipationFactory, VisitorFactory

pytestmark = pytest.mark.django_db
MARCH = {"period": "custom", "start": "2025-03-01", "end": "2025-03-31"}


def test_a_service_name_with_a_slash_has_a_working_signal_page(
    digibank, location, coordinator_client
):
    participation = ParticipationFactory(
        visitor=VisitorFactory(digibank=digibank),
        location=location,
        occurred_at=timezone.make_aware(dt.datetime(2025, 3, 12, 10, 0)),
    )
    HelpQuestion.objects.create(
        participation=participation,
        concerned_service="Outlook / Hotmail",
        concerned_service_key=fold("Outlook / Hotmail"),  # as registration's service stores it
        outcome=Outcome.SOLVED,
    )
    key = fold("Outlook / Hotmail")
    assert "/" in key

    listing = coordinator_client.get(reverse("reporting:signals"), MARCH)
    assert listing.status_code == 200
    detail_url = reverse("reporting:signal_detail", args=[key])
    assert detail_url in listing.content.decode()
    detail = coordinator_client.get(detail_url, MARCH)
    assert detail.status_code == 200
    assert detail.context["service"]["questions"] == 1
