import pytest
from django.core.cache import cache

from digibank.models import Role
from tests.access import client_for
from tests.factories import DigibankFactory, LocationFactory, make_member


@pytest.fixture(autouse=True)
def _seeded_reference_data(request):
    """Data migrations seed reference rows (the help categories); a transactional test flushes
    every table afterwards, so put them back for the tests that follow."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker or {"db", "transactional_db"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request, marker) else "db")
    from importlib import import_module

    from registration.models import HelpCategory

    seed = import_module("registration.migrations.0002_help_categories")
    if HelpCategory.objects.count() < len(seed.CATEGORIES):
        for order, (code, name) in enumerate(seed.CATEGORIES):
            HelpCategory.objects.update_or_create(
                code=code, defaults={"name": name, "order": order}
            )


def _is_transactional(request, marker) -> bool:
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return True
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def digibank(db):
    return DigibankFactory(name="Digibank Tienen", slug="tienen")


@pytest.fixture
def other_digibank(db):
    return DigibankFactory(name="Digibank Aalst", slug="aalst")


@pytest.fixture
def location(digibank):
    return LocationFactory(digibank=digibank, name="Bibliotheek Tienen", slug="bib-tienen")


@pytest.fixture
def volunteer(digibank):
    return make_member(Role.VOLUNTEER, digibank, name="Vera Vrijwilliger")


@pytest.fixture
def coordinator(digibank):
    return make_member(Role.COORDINATOR, digibank, name="Cas Coördinator")


@pytest.fixture
def referrer(digibank):
    return make_member(Role.REFERRER, digibank, name="Rita Toeleider")


@pytest.fixture
def department_user(db):
    return make_member(Role.DEPARTMENT, name="Dirk Departement")


@pytest.fixture
def volunteer_client(volunteer):
    return client_for(volunteer)


@pytest.fixture
def coordinator_client(coordinator):
    return client_for(coordinator)


@pytest.fixture
def referrer_client(referrer):
    return client_for(referrer)


@pytest.fixture
def department_client(department_user):
    return client_for(department_user)
