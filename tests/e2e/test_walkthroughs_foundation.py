"""Walkthroughs on the foundation: each role's login and home, members, places, language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digibank.models import Location, Role
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.helpers import assert_accessible, log_in, nl
from tests.factories import DigibankFactory, LocationFactory, make_member

HOME_HEADINGS = {
    Role.VOLUNTEER: lambda digibank: nl("Today's desk"),
    Role.COORDINATOR: lambda digibank: nl("Overview of %(name)s", name=digibank.name),
    Role.REFERRER: lambda digibank: nl("Welcome to %(name)s", name=digibank.name),
    Role.DEPARTMENT: lambda digibank: nl("Digibanks"),
}


@pytest.fixture
def digibank(transactional_db):
    digibank = DigibankFactory(name="Digibank Tienen", slug="tienen")
    LocationFactory(digibank=digibank, name="Bibliotheek Tienen")
    LocationFactory(digibank=digibank, name="Digipunt OCMW", kind=Location.Kind.MOBILE)
    return digibank


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
@pytest.mark.parametrize("role", list(HOME_HEADINGS))
def test_each_role_logs_in_and_reaches_its_home_page(page, digibank, role, viewport):
    user = make_member(role, digibank, name=f"Test {role}")
    log_in(page, user)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text(HOME_HEADINGS[role](digibank))
    assert_accessible(page)


@pytest.mark.parametrize("role", list(HOME_HEADINGS))
def test_every_page_in_a_role_s_menu_opens_and_passes_axe(page, digibank, role):
    """The menu grows as the apps land: every page it offers is checked, for every role."""
    make_member(Role.VOLUNTEER, digibank)  # something to list
    log_in(page, make_member(role, digibank), check_accessibility=False)
    links = page.locator("nav .nav a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for href in hrefs:
        response = page.goto(href)
        assert response.status == 200, f"{role}: {href} answered {response.status}"
        expect(page.locator("h1")).to_have_count(1)
        assert_accessible(page)
