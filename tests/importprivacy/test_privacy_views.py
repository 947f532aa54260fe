"""Consent versions, the access log and the public privacy page."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from digibank.audit import audit_log
from digibank.models import AuditLogEntry, Role
from registration.models import ConsentText
from registration.retention import anonymise_expired_visitors
from registration.selectors import current_consent_text
from tests.access import assert_anonymous_redirected, assert_roles_refused, client_for
from tests.factories import make_member
from tests.registration_factories import VisitorFactory

CONSENT = reverse("registration:consent_texts")
ACCESS_LOG = reverse("registration:access_log")
NEW_TEXT = "We schrijven je naam op. Zo weten we of je al eens kwam. Je mag alles laten wissen."


def test_coordinator_sees_the_versions(bank, bank_coordinator_client):
    response = bank_coordinator_client.get(CONSENT)
    assert response.status_code == 200
    assert ConsentText.objects.get(digibank=bank).text[:40] in response.content.decode()


def test_publishing_makes_a_new_current_version(bank, bank_coordinator, bank_coordinator_client):
    response = bank_coordinator_client.post(CONSENT, {"text": NEW_TEXT})
    assert response.status_code == 302
    current = current_consent_text(digibank=bank)
    assert (current.version, current.text, current.created_by) == (2, NEW_TEXT, bank_coordinator)
    assert ConsentText.objects.filter(digibank=bank).count() == 2  # version 1 is kept
    assert AuditLogEntry.objects.filter(
        action="registration.consent_text.published", object_id=str(current.pk)
    ).exists()
    page = bank_coordinator_client.get(CONSENT).content.decode()
    assert page.index(NEW_TEXT) < page.index(ConsentText.objects.get(version=1).text[:30])


def test_consent_page_query_count_does_not_grow(
    bank, bank_coordinator, bank_coordinator_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as first:
        bank_coordinator_client.get(CONSENT)
    for n in range(2, 12):
        ConsentText.objects.create(
            digibank=bank, version=n, text=f"Tekst {n}", created_by=bank_coordinator
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = bank_coordinator_client.get(CONSENT)
    assert "Tekst 11" in response.content.decode()


def test_publishing_the_same_or_an_empty_text_is_refused(bank, bank_coordinator_client):
    same = ConsentText.objects.get(digibank=bank).text
    for text in (same, "   ", "te kort"):
        response = bank_coordinator_client.post(CONSENT, {"text": text})
        assert response.status_code == 200
        assert 'class="error"' in response.content.decode()
    assert ConsentText.objects.filter(digibank=bank).count() == 1


def test_versions_are_per_digibank(bank, other_digibank, bank_coordinator_client):
    ConsentText.objects.create(digibank=other_digibank, version=1, text="Andere tekst van Aalst")
    bank_coordinator_client.post(CONSENT, {"text": NEW_TEXT})
    assert current_consent_text(digibank=other_digibank).text == "Andere tekst van Aalst"
    assert "Andere tekst" not in bank_coordinator_client.get(CONSENT).content.decode()


def test_consent_page_is_for_coordinators(bank):
    for method in ("get", "post"):
        assert_roles_refused(
            CONSENT,
            digibank=bank,
            roles=[Role.VOLUNTEER, Role.REFERRER, Role.DEPARTMENT],
            method=method,
            data={"text": NEW_TEXT},
        )
        assert_anonymous_redirected(CONSENT, method=method)
    assert ConsentText.objects.filter(digibank=bank).count() == 1


# -- Access log --------------------------------------------------------------------------------


def viewed(actor, visitor, when=None):
    entry = audit_log(actor=actor, action="registration.visitor.viewed", obj=visitor)
    if when:
        AuditLogEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


def test_access_log_shows_who_viewed_which_visitor(bank, bank_coordinator_client):
    vera = make_member(Role.VOLUNTEER, bank, name="Vera Vrijwilliger")
    wim = make_member(Role.VOLUNTEER, bank, name="Wim Helper")
    maria = VisitorFactory(digibank=bank, first_name="Maria", last_name="Peeters")
    jozef = VisitorFactory(digibank=bank, first_name="Jozef", last_name="Claes")
    viewed(vera, maria)
    viewed(wim, jozef, when=timezone.now() - dt.timedelta(days=10))
    audit_log(actor=vera, action="registration.visitor.changed", obj=maria)
    response = bank_coordinator_client.get(ACCESS_LOG)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Vera Vrijwilliger" in content and "Wim Helper" in content
    assert maria.visitor_code in content and jozef.visitor_code in content
    assert len(response.context["rows"]) == 2  # the change is not a view

    by_wim = bank_coordinator_client.get(ACCESS_LOG, {"actor": wim.pk})
    assert [v for _, v in by_wim.context["rows"]] == [jozef]
    by_code = bank_coordinator_client.get(ACCESS_LOG, {"visitor_code": maria.visitor_code})
    assert [v for _, v in by_code.context["rows"]] == [maria]
    recent = bank_coordinator_client.get(
        ACCESS_LOG, {"date_from": (timezone.localdate() - dt.timedelta(days=2)).isoformat()}
    )
    assert [v for _, v in recent.context["rows"]] == [maria]


def test_access_log_shows_anonymised_visitors_by_code_only(bank, bank_coordinator_client):
    vera = make_member(Role.VOLUNTEER, bank, name="Vera Vrijwilliger")
    old = VisitorFactory(digibank=bank, first_name="Verdwenen", last_name="Persoon")
    viewed(vera, old)
    anonymise_expired_visitors(digibank=bank, today=timezone.localdate() + dt.timedelta(days=3650))
    content = bank_coordinator_client.get(ACCESS_LOG).content.decode()
    assert old.visitor_code in content and "Verdwenen" not in content


def test_access_log_is_scoped_to_the_digibank(bank, other_digibank, bank_coordinator_client):
    outsider = make_member(Role.VOLUNTEER, other_digibank, name="Olga Elders")
    viewed(outsider, VisitorFactory(digibank=other_digibank, first_name="Vreemd"))
    content = bank_coordinator_client.get(ACCESS_LOG).content.decode()
    assert "Olga Elders" not in content and "Vreemd" not in content


def test_access_log_query_count_does_not_grow(
    bank, bank_coordinator_client, django_assert_max_num_queries
):
    vera = make_member(Role.VOLUNTEER, bank)
    viewed(vera, VisitorFactory(digibank=bank))
    with django_assert_max_num_queries(20) as first:
        bank_coordinator_client.get(ACCESS_LOG)
    for _ in range(25):
        viewed(make_member(Role.VOLUNTEER, bank), VisitorFactory(digibank=bank))
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = bank_coordinator_client.get(ACCESS_LOG)
    assert len(response.context["rows"]) == 26


def test_access_log_is_for_coordinators(bank):
    assert_roles_refused(
        ACCESS_LOG, digibank=bank, roles=[Role.VOLUNTEER, Role.REFERRER, Role.DEPARTMENT]
    )
    assert_anonymous_redirected(ACCESS_LOG)


# -- Public privacy page -----------------------------------------------------------------------


def test_privacy_page_is_public_and_specific_to_the_digibank(bank, client):
    bank.retention_months = 24
    bank.privacy_contact = "privacy@digibank-tienen.be"
    bank.save()
    response = client.get(reverse("registration:privacy_page", args=[bank.slug]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Digibank Tienen" in content
    assert "privacy@digibank-tienen.be" in content
    assert "2" in content and ("2 years" in content or "2 jaar" in content)
    assert current_consent_text(digibank=bank).text[:30] in content
    assert "<h1" in content and "<form" not in content.split("<main")[1].split("</main>")[0]


def test_privacy_page_for_a_retention_that_is_not_whole_years(bank, client):
    bank.retention_months = 18
    bank.save()
    content = client.get(reverse("registration:privacy_page", args=[bank.slug])).content.decode()
    assert "18" in content


def test_privacy_page_of_an_unknown_digibank_is_404(db, client):
    assert client.get(reverse("registration:privacy_page", args=["bestaat-niet"])).status_code == (
        404
    )


def test_privacy_page_is_in_plain_dutch(bank):
    client = client_for(make_member(Role.VOLUNTEER, bank))
    content = client.get(reverse("registration:privacy_page", args=[bank.slug])).content.decode()
    assert "Wat schrijven we op?" in content
    assert "jaar" in content
