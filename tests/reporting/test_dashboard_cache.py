"""With REPORTING_CACHE_SECONDS set (production: 300), the dashboard keeps its computed
indicators for a while instead of recomputing the ledger at every click."""

import pytest
from django.urls import reverse

from tests.registration_factories import ParticipationFactory, VisitorFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_reuses_computed_indicators_while_the_cache_lasts(
    coordinator_client, digibank, settings, django_assert_max_num_queries
):
    settings.REPORTING_CACHE_SECONDS = 300
    ParticipationFactory(visitor=VisitorFactory(digibank=digibank))
    url = reverse("reporting:dashboard") + "?start=2025-01-01&end=2025-12-31"
    with django_assert_max_num_queries(200) as first:
        coordinator_client.get(url)
    with django_assert_max_num_queries(len(first.captured_queries) - 10):
        coordinator_client.get(url)


def test_without_the_cache_the_dashboard_shows_new_data_at_once(
    coordinator_client, digibank, settings
):
    settings.REPORTING_CACHE_SECONDS = 0
    url = reverse("reporting:dashboard") + "?start=2025-01-01&end=2025-12-31"
    before = coordinator_client.get(url).context["sections"]
    ParticipationFactory(visitor=VisitorFactory(digibank=digibank))
    after = coordinator_client.get(url).context["sections"]
    assert before != after
