"""Login, two-factor enforcement, rate limiting and invitations."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from digibank.models import AuditLogEntry, Invitation, Membership, Role, User
from digibank.services import invitation_create
from digibank.totp import totp_code
from tests.access import client_for
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_member

pytestmark = pytest.mark.django_db


def _login(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_volunteer_logs_in_with_e_mail_and_password(client, volunteer):
    response = _login(client, volunteer.email)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused_with_a_dutch_message(client, volunteer):
    response = _login(client, volunteer.email, "wrong-password")
    assert response.status_code == 200
    assert "e-mailadres en/of wachtwoord is niet correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_coordinator_without_two_factor_must_set_it_up_first(client, digibank):
    coordinator = make_member(Role.COORDINATOR, digibank, totp=False)
    _login(client, coordinator.email)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("digibank:member_list"))["Location"] == reverse("mfa_activate_totp")
    # Setting it up asks for the password once more, then a code from the app lets them in.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_department_staff_must_set_up_two_factor_too(client):
    staff = make_member(Role.DEPARTMENT, totp=False)
    _login(client, staff.email)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_a_volunteer_is_not_forced_to_use_two_factor(client, volunteer):
    _login(client, volunteer.email)
    assert client.get(reverse("home")).status_code == 200


def test_a_coordinator_with_two_factor_is_asked_for_the_code_at_login(client, coordinator):
    response = _login(client, coordinator.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    assert client.get(reverse("home")).status_code == 200


def test_a_coordinator_cannot_switch_two_factor_off(client, coordinator):
    from allauth.mfa.adapter import get_adapter

    authenticator = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)
    assert get_adapter().can_delete_authenticator(authenticator) is False


def test_it_limits_failed_logins(client, volunteer):
    for _ in range(5):
        _login(client, volunteer.email, "wrong-password")
    response = _login(client, volunteer.email)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "te veel" in response.content.decode().lower()


def test_password_reset_sends_an_e_mail(client, volunteer):
    client.post(reverse("account_reset_password"), {"email": volunteer.email})
    assert len(mail.outbox) == 1
    assert volunteer.email in mail.outbox[0].to


# -- Invitations -------------------------------------------------------------------------------


def test_a_coordinator_invites_a_new_volunteer_who_joins(
    coordinator_client, digibank, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("digibank:member_list"),
            {"email": "Nieuwe.Helper@Example.be", "role": Role.VOLUNTEER},
            follow=True,
        )
    assert (
        "Er is een uitnodiging gestuurd naar nieuwe.helper@example.be." in response.content.decode()
    )
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get()
    link = reverse("invitation_accept", args=[invitation.token])
    assert link in mail.outbox[0].body

    page = client.get(link)
    assert "Werk mee in Digibank Tienen" in page.content.decode()
    client.post(link, {"name": "Nina Nieuw", "password": "een-lang-wachtwoord-42"})
    user = User.objects.get(email="nieuwe.helper@example.be")
    assert user.name == "Nina Nieuw"
    assert Membership.objects.get(user=user).role == Role.VOLUNTEER
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Balie vandaag" in client.get(reverse("home")).content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert AuditLogEntry.objects.filter(action="digibank.invitation.created").count() == 1
    assert (
        AuditLogEntry.objects.filter(action="digibank.membership.created", actor=user).count() == 1
    )


def test_inviting_the_same_person_twice_is_refused_and_sends_nothing(
    coordinator_client, django_capture_on_commit_callbacks
):
    data = {"email": "helper@example.be", "role": Role.VOLUNTEER}
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("digibank:member_list"), data)
        response = coordinator_client.post(reverse("digibank:member_list"), data)
    assert (
        "helper@example.be is al uitgenodigd en heeft nog niet geantwoord."
        in response.content.decode()
    )
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_inviting_an_existing_member_is_refused(coordinator_client, volunteer):
    response = coordinator_client.post(
        reverse("digibank:member_list"), {"email": volunteer.email.upper(), "role": Role.VOLUNTEER}
    )
    assert "werkt al mee in deze digibank" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_an_expired_invitation_cannot_be_used_and_changes_nothing(client, coordinator, digibank):
    invitation = invitation_create(
        digibank=digibank, email="laat@example.be", role=Role.VOLUNTEER, invited_by=coordinator
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    link = reverse("invitation_accept", args=[invitation.token])
    response = client.post(link, {"name": "Te Laat", "password": "een-lang-wachtwoord-42"})
    assert response.status_code == 410
    assert "Deze uitnodiging is verlopen." in response.content.decode()
    assert not User.objects.filter(email="laat@example.be").exists()


def test_an_expired_invitation_can_be_replaced_by_a_new_one(coordinator, digibank):
    old = invitation_create(
        digibank=digibank, email="laat@example.be", role=Role.VOLUNTEER, invited_by=coordinator
    )
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    new = invitation_create(
        digibank=digibank, email="laat@example.be", role=Role.VOLUNTEER, invited_by=coordinator
    )
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.is_open


def test_a_used_invitation_cannot_be_used_twice(client, coordinator, digibank):
    invitation = invitation_create(
        digibank=digibank, email="een@example.be", role=Role.VOLUNTEER, invited_by=coordinator
    )
    link = reverse("invitation_accept", args=[invitation.token])
    client.post(link, {"name": "Eén", "password": "een-lang-wachtwoord-42"})
    other = client_for(make_member(Role.VOLUNTEER))
    response = other.post(link, {"name": "Twee", "password": "een-lang-wachtwoord-42"})
    assert response.status_code == 410
    assert Membership.objects.filter(digibank=digibank, user__email="een@example.be").count() == 1


def test_a_weak_password_is_refused_with_a_message(client, coordinator, digibank):
    invitation = invitation_create(
        digibank=digibank, email="zwak@example.be", role=Role.VOLUNTEER, invited_by=coordinator
    )
    response = client.post(
        reverse("invitation_accept", args=[invitation.token]), {"name": "Z", "password": "123"}
    )
    assert response.status_code == 200
    assert "te kort" in response.content.decode()
    assert not User.objects.filter(email="zwak@example.be").exists()


def test_a_referrer_invitation_needs_an_organisation(coordinator_client):
    response = coordinator_client.post(
        reverse("digibank:member_list"), {"email": "toeleider@example.be", "role": Role.REFERRER}
    )
    assert "Een toeleider werkt voor een organisatie" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_an_invalid_link_is_explained(client):
    response = client.get(reverse("invitation_accept", args=["does-not-exist"]))
    assert response.status_code == 410
    assert "Deze uitnodigingslink klopt niet." in response.content.decode()


def test_a_coordinator_withdraws_an_invitation(coordinator_client, coordinator, digibank, client):
    invitation = invitation_create(
        digibank=digibank, email="weg@example.be", role=Role.VOLUNTEER, invited_by=coordinator
    )
    coordinator_client.post(reverse("digibank:invitation_revoke", args=[invitation.pk]))
    response = client.get(reverse("invitation_accept", args=[invitation.token]))
    assert response.status_code == 410
    assert "ingetrokken" in response.content.decode()
