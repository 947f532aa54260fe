"""Walkthroughs on the foundation: each role's login and home, members, places, language."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from digibank.models import Invitation, Location, Membership, Organisation, Role
from digibank.totp import totp_code
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.helpers import assert_accessible, log_in, nl, submit, tab_to
from tests.factories import TEST_PASSWORD, DigibankFactory, LocationFactory, make_member

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


def _menu(page, label: str) -> None:
    page.get_by_role("navigation", name=nl("Main menu")).get_by_role("link", name=nl(label)).click()
    page.wait_for_load_state()
    assert_accessible(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
def test_a_coordinator_invites_a_volunteer_who_sets_a_password_and_lands_at_the_desk(
    new_page, digibank, viewport
):
    coordinator = make_member(Role.COORDINATOR, digibank, name="Cas Coördinator")
    page = new_page()
    log_in(page, coordinator)
    _menu(page, "Members")
    page.locator("#id_email").fill("nieuwe.helper@example.be")
    page.locator("#id_role").select_option(Role.VOLUNTEER)
    submit(page, "form[aria-labelledby=invite-title]")
    expect(page.locator(".message-success")).to_contain_text("nieuwe.helper@example.be")
    assert_accessible(page)
    assert Invitation.objects.filter(email="nieuwe.helper@example.be").count() == 1

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nieuwe.helper@example.be"]
    link = re.search(r"https?://\S+/uitnodiging/\S+/", mail.outbox[0].body).group(0)

    invitee = new_page()  # another person, another browser
    invitee.goto(link)
    assert_accessible(invitee)
    invitee.locator("#id_name").fill("Nina Nieuw")
    invitee.locator("#id_password").fill("een nieuw lang wachtwoord 2025")
    submit(invitee)
    expect(invitee.locator("h1")).to_have_text(nl("Today's desk"))
    expect(invitee.locator(".messages")).to_contain_text(digibank.name)
    assert_accessible(invitee)
    membership = Membership.objects.get(user__email="nieuwe.helper@example.be")
    assert (membership.role, membership.digibank, membership.user.name) == (
        Role.VOLUNTEER,
        digibank,
        "Nina Nieuw",
    )
    # The new password works on the real login form.
    invitee.context.clear_cookies()
    log_in(invitee, membership.user, password="een nieuw lang wachtwoord 2025", totp_secret=None)
    expect(invitee.locator("h1")).to_have_text(nl("Today's desk"))


def test_a_coordinator_adds_a_location_and_an_organisation(page, digibank):
    log_in(page, make_member(Role.COORDINATOR, digibank))
    _menu(page, "Organisations")
    page.get_by_role("link", name=re.compile(nl("Add an organisation"), re.I)).click()
    assert_accessible(page)
    page.locator("#id_name").fill("OCMW Tienen")
    page.locator("#id_type").select_option(Organisation.Type.SOCIAL_SERVICES)
    page.locator("#id_is_referrer").check()
    submit(page)
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("OCMW Tienen")
    assert_accessible(page)

    _menu(page, "Locations")
    page.get_by_role("link", name=nl("Add a location")).click()
    assert_accessible(page)
    page.locator("#id_name").fill("Pop-up markt Hakendover")
    page.locator("#id_kind").select_option(Location.Kind.POPUP)
    page.locator("#id_municipality").fill("Tienen")
    page.locator("#id_host_organisation").select_option(label="OCMW Tienen")
    submit(page)
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("Pop-up markt Hakendover")
    assert_accessible(page)

    location = Location.objects.get(name="Pop-up markt Hakendover")
    assert (location.digibank, location.kind, location.host_organisation.name) == (
        digibank,
        Location.Kind.POPUP,
        "OCMW Tienen",
    )
    assert Organisation.objects.get(name="OCMW Tienen").is_referrer


def test_a_coordinator_without_two_factor_must_set_it_up_first(page, digibank):
    coordinator = make_member(Role.COORDINATOR, digibank, totp=False)
    log_in(page, coordinator, totp_secret=None)
    page.goto("/beheer/locaties/")  # anything else leads to the set-up page
    # allauth asks for the password again before a security change, then shows the set-up.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert_accessible(page)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    page.locator("input[name=code]").fill(totp_code(secret))
    submit(page)
    assert_accessible(page)
    page.goto("/")
    expect(page.locator("h1")).to_have_text(nl("Overview of %(name)s", name=digibank.name))
    assert coordinator.authenticator_set.filter(type="totp").exists()

    # From now on the login asks for the code.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(coordinator.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
def test_keyboard_only_a_digihelper_logs_in_and_chooses_the_desk_location(page, digibank, viewport):
    volunteer = make_member(Role.VOLUNTEER, digibank)
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    tab_to(page, "input[name=login]")
    page.keyboard.type(volunteer.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(nl("Today's desk"))

    tab_to(page, "#desk-location")
    page.keyboard.press("ArrowDown")  # the second location: "Digipunt OCMW"
    tab_to(page, "#desk-location ~ button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_contain_text("Digipunt OCMW")
    expect(page.locator("#desk-location")).to_have_value(
        str(Location.objects.get(name="Digipunt OCMW").pk)
    )
    assert_accessible(page)

    # The logout button is reachable too, and Space presses it.
    tab_to(page, "form[action='/accounts/logout/'] button")
    page.keyboard.press("Space")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_switching_the_language_to_english_and_back(page, digibank):
    log_in(page, make_member(Role.VOLUNTEER, digibank))
    expect(page.locator("html")).to_have_attribute("lang", "nl-BE")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Today's desk")
    assert_accessible(page)
    page.get_by_role("button", name="Nederlands").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "nl-BE")
    expect(page.locator("h1")).to_have_text(nl("Today's desk"))
    assert_accessible(page)
