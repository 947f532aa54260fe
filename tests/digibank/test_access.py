"""Each role's access, and the 404 on another digibank's objects."""

import pytest
from django.urls import reverse

from digibank.models import Role
from tests.access import (
    assert_anonymous_redirected,
    assert_outsiders_get_404,
    assert_roles_refused,
    client_for,
)
from tests.factories import LocationFactory, OrganisationFactory, make_member

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = [
    "digibank:location_list",
    "digibank:location_create",
    "digibank:organisation_list",
    "digibank:organisation_create",
    "digibank:member_list",
    "digibank:audit_log",
]


@pytest.mark.parametrize("url_name", [*COORDINATOR_PAGES, "home"])
def test_it_sends_anonymous_visitors_to_the_login_page(url_name):
    assert_anonymous_redirected(reverse(url_name))


@pytest.mark.parametrize("url_name", COORDINATOR_PAGES)
def test_it_refuses_coordinator_pages_to_other_roles(url_name, digibank):
    assert_roles_refused(
        reverse(url_name), digibank=digibank, roles=[Role.VOLUNTEER, Role.REFERRER, Role.DEPARTMENT]
    )


@pytest.mark.parametrize("url_name", COORDINATOR_PAGES)
def test_it_opens_coordinator_pages_to_the_coordinator(url_name, coordinator_client, location):
    response = coordinator_client.get(reverse(url_name))
    assert response.status_code == 200


def test_it_answers_404_for_another_digibanks_location(location):
    assert_outsiders_get_404(reverse("digibank:location_edit", args=[location.pk]))
    assert_outsiders_get_404(
        reverse("digibank:location_edit", args=[location.pk]),
        method="post",
        data={"name": "Overgenomen"},
    )
    location.refresh_from_db()
    assert location.name == "Bibliotheek Tienen"


def test_it_answers_404_for_another_digibanks_organisation_member_and_invitation(
    digibank, coordinator
):
    organisation = OrganisationFactory(digibank=digibank)
    membership = coordinator.memberships.get()
    from digibank.services import invitation_create

    invitation = invitation_create(
        digibank=digibank, email="nieuw@example.be", role=Role.VOLUNTEER, invited_by=coordinator
    )
    assert_outsiders_get_404(reverse("digibank:organisation_edit", args=[organisation.pk]))
    assert_outsiders_get_404(reverse("digibank:membership_edit", args=[membership.pk]))
    assert_outsiders_get_404(
        reverse("digibank:invitation_revoke", args=[invitation.pk]),
        method="post",
        roles=[Role.COORDINATOR],
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_coordinator_lists_only_their_own_locations(
    coordinator_client, digibank, other_digibank
):
    LocationFactory(digibank=digibank, name="Bib Tienen")
    LocationFactory(digibank=other_digibank, name="Bib Aalst")
    page = coordinator_client.get(reverse("digibank:location_list")).content.decode()
    assert "Bib Tienen" in page
    assert "Bib Aalst" not in page


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.VOLUNTEER, "Balie vandaag"),
        (Role.COORDINATOR, "Overzicht van Digibank Tienen"),
        (Role.REFERRER, "Welkom bij Digibank Tienen"),
        (Role.DEPARTMENT, "Digibanken"),
    ],
)
def test_each_role_reaches_its_own_home_page(role, heading, digibank):
    user = make_member(role, digibank)
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_the_department_home_lists_all_digibanks_and_no_member_names(
    department_client, digibank, other_digibank, coordinator
):
    page = department_client.get(reverse("home")).content.decode()
    assert "Digibank Tienen" in page and "Digibank Aalst" in page
    assert coordinator.name not in page
    assert coordinator.email not in page


def test_the_department_cannot_open_digibank_management_pages(department_client, location):
    assert department_client.get(reverse("digibank:member_list")).status_code == 403
    assert (
        department_client.get(reverse("digibank:location_edit", args=[location.pk])).status_code
        == 404
    )


def test_a_user_without_membership_is_told_so(db):
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get(reverse("home"))
    assert response.status_code == 403
    assert "Je werkt niet mee in een digibank" in response.content.decode()


def test_a_member_of_two_digibanks_switches_between_them(digibank, other_digibank):
    from digibank.models import Membership

    user = make_member(Role.COORDINATOR, digibank)
    Membership.objects.create(user=user, digibank=other_digibank, role=Role.VOLUNTEER)
    client = client_for(user)
    client.post(reverse("digibank:switch_digibank"), {"digibank": digibank.pk})
    assert "Overzicht van Digibank Tienen" in client.get(reverse("home")).content.decode()
    client.post(reverse("digibank:switch_digibank"), {"digibank": other_digibank.pk})
    assert "Balie vandaag" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("digibank:member_list")).status_code == 403


def test_switching_to_a_digibank_you_do_not_belong_to_changes_nothing(
    coordinator_client, other_digibank
):
    response = coordinator_client.post(
        reverse("digibank:switch_digibank"), {"digibank": other_digibank.pk}, follow=True
    )
    assert "Je werkt niet mee in die digibank." in response.content.decode()
    assert "Overzicht van Digibank Tienen" in response.content.decode()


def test_the_desk_location_must_be_one_of_our_own(volunteer_client, location, other_digibank):
    foreign = LocationFactory(digibank=other_digibank)
    assert (
        volunteer_client.post(
            reverse("digibank:set_desk_location"), {"location": foreign.pk}
        ).status_code
        == 404
    )
    response = volunteer_client.post(
        reverse("digibank:set_desk_location"), {"location": location.pk}, follow=True
    )
    assert "Je werkt vandaag in Bibliotheek Tienen." in response.content.decode()
    assert volunteer_client.session["desk_location_id"] == location.pk


def test_a_superuser_without_membership_works_as_coordinator_of_a_chosen_digibank(
    digibank, other_digibank
):
    from digibank.totp import totp_activate
    from tests.factories import TEST_TOTP_SECRET, UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    totp_activate(admin, TEST_TOTP_SECRET)
    client = client_for(admin)
    client.post(reverse("digibank:switch_digibank"), {"digibank": other_digibank.pk})
    assert "Overzicht van Digibank Aalst" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("digibank:member_list")).status_code == 200


def test_a_superuser_must_set_up_two_factor(digibank):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    assert client_for(admin).get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_the_interface_is_dutch_even_when_the_browser_asks_for_english(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "<h1>Aanmelden</h1>" in page.content.decode()


def test_the_language_switch_turns_english_on_and_off(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "<h1>Log in</h1>" in client.get(reverse("account_login")).content.decode()
    client.post(reverse("set_language"), {"language": "nl-be", "next": "/accounts/login/"})
    assert "<h1>Aanmelden</h1>" in client.get(reverse("account_login")).content.decode()
