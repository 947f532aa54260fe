"""Walkthroughs at the desk: a new visitor, a returning one, the help question; keyboard only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digibank.models import Role
from registration.models import (
    FormOfService,
    HelpQuestion,
    Outcome,
    Participation,
    Visitor,
)
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.helpers import (
    assert_accessible,
    choose_desk_location,
    log_in,
    nl,
    submit,
    tab_to,
)
from tests.factories import make_member
from tests.registration_factories import ParticipationFactory, VisitorFactory


@pytest.fixture
def volunteer(seeded_digibank):
    return make_member(Role.VOLUNTEER, seeded_digibank, name="Vera Vrijwilliger")


@pytest.fixture
def known_visitors(seeded_digibank):
    """Marie Peeters came twice before; Jan Janssens once."""
    location = seeded_digibank.locations.get(name="Bibliotheek Tienen")
    marie = VisitorFactory(
        digibank=seeded_digibank, first_name="Marie", last_name="Peeters", birth_year=1956
    )
    jan = VisitorFactory(
        digibank=seeded_digibank, first_name="Jan", last_name="Janssens", birth_year=1949
    )
    for days_ago in (40, 10):
        at = timezone.now() - dt.timedelta(days=days_ago)
        ParticipationFactory(visitor=marie, location=location, occurred_at=at)
    ParticipationFactory(
        visitor=jan, location=location, occurred_at=timezone.now() - dt.timedelta(days=5)
    )
    return marie, jan


def _desk(page) -> None:
    page.get_by_role("navigation", name=nl("Main menu")).get_by_role(
        "link", name=nl("Desk"), exact=True
    ).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(nl("Desk"))
    assert_accessible(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
def test_a_volunteer_registers_a_new_visitor_past_the_likely_duplicate_screen(
    page, seeded_digibank, volunteer, known_visitors, viewport
):
    log_in(page, volunteer)
    choose_desk_location(page, "Bibliotheek Tienen")
    assert_accessible(page)
    _desk(page)

    page.get_by_role("link", name=nl("New visitor")).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(nl("New visitor"))
    assert_accessible(page)
    # "Marie Peters" with the same birth year: one letter from Marie Peeters.
    page.locator("#id_first_name").fill("Marie")
    page.locator("#id_last_name").fill("Peters")
    page.locator("#id_birth_year").fill("1956")
    page.locator("#id_postcode").fill("3300")
    page.locator("summary").click()  # the optional profile
    page.locator("#id_language").select_option("dutch")
    page.locator("#id_consent").check()
    submit(page)

    # The likely-duplicate screen: the known Marie Peeters, or confirm a new person.
    expect(page.locator("#duplicates-title")).to_have_text(nl("Is this someone we already know?"))
    expect(page.locator("[aria-labelledby=duplicates-title] table")).to_contain_text(
        "Marie Peeters"
    )
    assert_accessible(page)
    assert not Visitor.objects.filter(last_name="Peters").exists()
    page.get_by_role("button", name=nl("No, this is a new visitor: save")).click()
    page.wait_for_load_state()

    new = Visitor.objects.get(digibank=seeded_digibank, last_name="Peters")
    expect(page.locator(".message-success")).to_contain_text(new.visitor_code)
    expect(page.locator("h1")).to_contain_text("Marie Peters")
    assert_accessible(page)
    assert (new.first_name, new.birth_year, new.postcode, new.language) == (
        "Marie",
        1956,
        "3300",
        "dutch",
    )
    assert new.consent_given_at is not None
    assert new.consent_recorded_by == volunteer
    assert Visitor.objects.filter(digibank=seeded_digibank).count() == 3

    # Register today's visit with a question about itsme, solved.
    page.get_by_label(nl("Inloggen bij de overheid / itsme")).check()
    page.locator("#id_q-concerned_service").fill("itsme")
    submit(page)
    expect(page.locator("h1")).to_have_text(nl("Desk"))
    expect(page.locator(".message-success")).to_contain_text("Marie Peters")
    expect(page.locator("main")).to_contain_text("Marie Peters")  # today's list
    assert_accessible(page)
    participation = Participation.objects.get(visitor=new)
    assert participation.form_of_service == FormOfService.INDIVIDUAL_SUPPORT
    assert participation.location.name == "Bibliotheek Tienen"
    assert participation.registered_by == volunteer
    question = HelpQuestion.objects.get(participation=participation)
    assert [c.code for c in question.categories.all()] == ["government_login"]
    assert (question.concerned_service, question.outcome) == ("itsme", Outcome.SOLVED)


def test_a_volunteer_finds_a_returning_visitor_by_a_name_fragment_and_logs_a_help_question(
    page, seeded_digibank, volunteer, known_visitors
):
    marie, jan = known_visitors
    log_in(page, volunteer)
    choose_desk_location(page, "Digipunt OCMW")
    _desk(page)

    page.get_by_role("searchbox", name=nl("Find a visitor")).fill("peet")  # a fragment
    page.get_by_role("searchbox", name=nl("Find a visitor")).press("Enter")
    page.wait_for_load_state()
    results = page.locator("[aria-labelledby=results-title] table")
    expect(results).to_contain_text("Marie Peeters")
    expect(results).not_to_contain_text("Janssens")
    # Third visit, the last one at the library.
    expect(results).to_contain_text(re.compile(r"3.*Bibliotheek Tienen"))
    assert_accessible(page)

    results.get_by_role("link", name=re.compile("Marie Peeters")).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Marie Peeters")
    assert_accessible(page)
    # The location is pre-filled from the desk.
    expect(page.locator("#id_location")).to_have_value(
        str(seeded_digibank.locations.get(name="Digipunt OCMW").pk)
    )
    page.get_by_label(nl("Bankieren en betalen")).check()
    page.get_by_label(nl("Veiligheid, phishing, gehackt")).check()
    page.locator("#id_q-concerned_service").fill("KBC")
    content_side = nl("Also a question about the matter itself (not only the technique)")
    page.get_by_label(content_side).check()
    page.get_by_label(nl("Referred to another organisation")).check()
    page.locator("#id_q-referred_to_organisation").select_option(label="OCMW Tienen")
    page.locator("#id_q-note").fill("Rekening geblokkeerd na phishing-sms")
    assert_accessible(page)  # with the referral fields shown
    submit(page)
    expect(page.locator(".message-success")).to_contain_text("Marie Peeters")
    assert_accessible(page)

    latest = Participation.objects.filter(visitor=marie).latest("occurred_at")
    assert latest.occurred_on == timezone.localdate()
    assert latest.location.name == "Digipunt OCMW"
    assert Participation.objects.filter(visitor=marie).count() == 3
    question = latest.help_questions.get()
    assert sorted(c.code for c in question.categories.all()) == ["banking", "safety"]
    assert question.outcome == Outcome.REFERRED_EXTERNAL
    assert question.referred_to_organisation.name == "OCMW Tienen"
    assert question.has_content_side
    assert Participation.objects.filter(visitor=jan).count() == 1


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
def test_keyboard_only_a_full_desk_registration(page, seeded_digibank, volunteer, viewport):
    """No mouse: Tab, Shift+Tab, Enter, Space and arrow keys; the focus is always visible."""
    log_in(page, volunteer)
    choose_desk_location(page, "Bibliotheek Tienen")
    page.goto("/")  # the desk search box on the home page has the focus
    tab_to(page, "nav a[href$='/bezoekers/balie/']", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(nl("Desk"))

    tab_to(page, "a[href$='/bezoekers/nieuw/']")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text(nl("New visitor"))
    tab_to(page, "#id_first_name")
    page.keyboard.type("Ahmed")
    tab_to(page, "#id_last_name")
    page.keyboard.type("El Amrani")
    tab_to(page, "#id_birth_year")
    page.keyboard.type("1962")
    # Back with Shift+Tab to correct the last name, then on.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "id_last_name"
    page.keyboard.press("End")
    page.keyboard.type("i")
    tab_to(page, "#id_postcode")
    page.keyboard.type("3300")
    # Open the optional part with Enter on its summary; choose the language with the arrows.
    tab_to(page, "summary")
    page.keyboard.press("Enter")
    tab_to(page, "#id_language")
    page.keyboard.press("ArrowUp")  # from the preset "unknown" (last) to "other language"
    expect(page.locator("#id_language")).to_have_value("other")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Ahmed El Amranii")
    assert_accessible(page)

    visitor = Visitor.objects.get(digibank=seeded_digibank, last_name="El Amranii")
    assert (visitor.first_name, visitor.birth_year, visitor.postcode) == ("Ahmed", 1962, "3300")
    assert visitor.language == "other"

    # The visit: a category with Space, the outcome with the arrow keys, save with Enter.
    tab_to(page, "input[name=q-categories]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=q-outcome]:checked")
    page.keyboard.press("ArrowDown")  # from "solved" to "partly solved"
    expect(page.locator("input[name=q-outcome][value=partly]")).to_be_checked()
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_contain_text("Ahmed El Amranii")
    assert_accessible(page)

    participation = Participation.objects.get(visitor=visitor)
    question = participation.help_questions.get()
    assert question.outcome == Outcome.PARTLY
    assert question.categories.count() == 1
    assert participation.registered_by == volunteer
