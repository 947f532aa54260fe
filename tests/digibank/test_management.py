"""Coordinators manage locations, organisations and members; every change is in the audit log."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from digibank.models import AuditLogEntry, Digibank, Location, Membership, Organisation, Role
from registration.models import ConsentText, TargetGroup
from tests.factories import OrganisationFactory, make_member

pytestmark = pytest.mark.django_db


def test_create_digibank_prints_json_and_sets_up_defaults(capsys):
    call_command(
        "create_digibank",
        "leuven",
        "--name",
        "Digibank Leuven",
        "--start",
        "2025-01-01",
        "--target",
        "1500",
    )
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "id": out["id"],
        "slug": "leuven",
        "name": "Digibank Leuven",
        "start_date": "2025-01-01",
        "target": 1500,
    }
    digibank = Digibank.objects.get(slug="leuven")
    assert digibank.target_unique_visitors == 1500
    assert TargetGroup.objects.filter(digibank=digibank, is_department_group=True).count() == 5
    assert ConsentText.objects.filter(digibank=digibank, version=1).exists()


def test_create_digibank_defaults_to_a_target_of_1000():
    call_command("create_digibank", "gent", "--name", "Digibank Gent")
    assert Digibank.objects.get(slug="gent").target_unique_visitors == 1000


def test_create_digibank_refuses_a_duplicate_slug_and_changes_nothing():
    call_command("create_digibank", "leuven", "--name", "Digibank Leuven")
    with pytest.raises(CommandError, match="Er bestaat al een digibank met de korte naam leuven"):
        call_command("create_digibank", "leuven", "--name", "Een andere")
    assert Digibank.objects.get(slug="leuven").name == "Digibank Leuven"
    assert Digibank.objects.count() == 1


@pytest.mark.parametrize("slug", ["met spaties", "é-accent", "under_score", ""])
def test_create_digibank_refuses_a_bad_slug(slug):
    with pytest.raises(CommandError):
        call_command("create_digibank", slug, "--name", "X")
    assert Digibank.objects.count() == 0


def test_create_digibank_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("create_digibank", "x", "--name", "X", "--start", "01/02/2025")


def test_seed_demo_creates_a_believable_digibank_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    digibank = Digibank.objects.get(slug="tienen-landen")
    assert len(digibank.municipalities) >= 3
    assert digibank.locations.count() >= 4
    assert digibank.locations.filter(kind=Location.Kind.MOBILE).exists()
    assert digibank.organisations.filter(is_referrer=True).count() >= 5
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER, Role.DEPARTMENT}
    assert "coordinator@digibank-demo.be" in out and "departement@digibank-demo.be" in out
    call_command("seed_demo")
    assert Digibank.objects.filter(slug="tienen-landen").count() == 1


def test_a_coordinator_adds_and_edits_a_location_with_audit(
    coordinator_client, coordinator, digibank
):
    host = OrganisationFactory(digibank=digibank, name="Bibliotheek Landen")
    response = coordinator_client.post(
        reverse("digibank:location_create"),
        {
            "name": "Bib Landen",
            "kind": "popup",
            "municipality": "Landen",
            "host_organisation": host.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    location = Location.objects.get(digibank=digibank, name="Bib Landen")
    assert (location.slug, location.kind, location.host_organisation) == (
        "bib-landen",
        "popup",
        host,
    )
    coordinator_client.post(
        reverse("digibank:location_edit", args=[location.pk]),
        {"name": "Bib Landen", "kind": "fixed", "municipality": "Landen", "active": "on"},
    )
    location.refresh_from_db()
    assert location.kind == "fixed"
    entries = AuditLogEntry.objects.filter(object_id=str(location.pk)).order_by("id")
    assert [e.action for e in entries] == ["digibank.location.created", "digibank.location.changed"]
    assert entries[1].changed_fields == ["host_organisation", "kind"]
    assert entries[1].actor == coordinator


def test_a_host_organisation_of_another_digibank_is_refused(coordinator_client, other_digibank):
    foreign = OrganisationFactory(digibank=other_digibank)
    response = coordinator_client.post(
        reverse("digibank:location_create"),
        {"name": "X", "kind": "fixed", "host_organisation": foreign.pk},
    )
    assert response.status_code == 200
    assert not Location.objects.filter(name="X").exists()


def test_a_duplicate_organisation_name_is_refused(coordinator_client, digibank):
    OrganisationFactory(digibank=digibank, name="OCMW Tienen")
    response = coordinator_client.post(
        reverse("digibank:organisation_create"), {"name": "ocmw tienen", "type": "social_services"}
    )
    assert (
        "Je digibank heeft al een organisatie met de naam ocmw tienen." in response.content.decode()
    )
    assert Organisation.objects.filter(digibank=digibank).count() == 1


def test_html_in_a_name_is_shown_as_text(coordinator_client, digibank):
    coordinator_client.post(
        reverse("digibank:organisation_create"),
        {"name": "<script>alert(1)</script>", "type": "other"},
    )
    page = coordinator_client.get(reverse("digibank:organisation_list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_coordinator_changes_a_members_role_with_audit(
    coordinator_client, coordinator, volunteer
):
    membership = volunteer.memberships.get()
    coordinator_client.post(
        reverse("digibank:membership_edit", args=[membership.pk]),
        {"role": Role.COORDINATOR, "active": "on"},
    )
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    entry = AuditLogEntry.objects.get(action="digibank.membership.changed")
    assert entry.changed_fields == ["role"]
    assert entry.actor == coordinator


def test_a_coordinator_cannot_demote_themselves(coordinator_client, coordinator):
    membership = coordinator.memberships.get()
    response = coordinator_client.post(
        reverse("digibank:membership_edit", args=[membership.pk]),
        {"role": Role.VOLUNTEER, "active": "on"},
    )
    assert "Je kunt je eigen rol niet wijzigen" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


def test_the_audit_log_shows_our_digibank_only_and_filters(
    coordinator_client, digibank, other_digibank
):
    from digibank.audit import audit_log

    audit_log(
        actor=None,
        action="registration.visitor.changed",
        digibank=digibank,
        object_repr="Mieke P.",
        fields=["postcode"],
    )
    audit_log(
        actor=None,
        action="registration.visitor.changed",
        digibank=other_digibank,
        object_repr="Jan Buiten",
    )
    page = coordinator_client.get(reverse("digibank:audit_log")).content.decode()
    assert "Mieke P." in page and "postcode" in page
    assert "Jan Buiten" not in page
    filtered = coordinator_client.get(
        reverse("digibank:audit_log"), {"action": "digibank."}
    ).content.decode()
    assert "Mieke P." not in filtered


def test_the_audit_log_page_needs_a_constant_number_of_queries(
    coordinator_client, coordinator, digibank, django_assert_max_num_queries
):
    from digibank.audit import audit_log

    def fill(n):
        for i in range(n):
            audit_log(
                actor=make_member(Role.VOLUNTEER, digibank),
                action="x.y.z",
                digibank=digibank,
                object_repr=f"r{i}",
            )

    fill(3)
    with django_assert_max_num_queries(12) as few:
        coordinator_client.get(reverse("digibank:audit_log"))
    fill(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(reverse("digibank:audit_log"))


def test_member_and_location_lists_need_a_constant_number_of_queries(
    coordinator_client, digibank, django_assert_num_queries, django_assert_max_num_queries
):
    from tests.factories import LocationFactory

    for url in (reverse("digibank:member_list"), reverse("digibank:location_list")):
        coordinator_client.get(url)
        with django_assert_max_num_queries(20) as before:
            coordinator_client.get(url)
        for _ in range(5):
            make_member(Role.VOLUNTEER, digibank)
            LocationFactory(
                digibank=digibank, host_organisation=OrganisationFactory(digibank=digibank)
            )
        with django_assert_num_queries(len(before.captured_queries)):
            coordinator_client.get(url)
