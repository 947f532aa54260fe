"""Coordinator tools: visitor list and detail, edit, merge and undo, export and erasure."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from digibank.models import AuditLogEntry, Role
from registration.models import (
    FormOfService,
    HelpQuestion,
    Outcome,
    Participation,
    Visitor,
    VisitorMerge,
)
from tests.access import assert_anonymous_redirected, assert_outsiders_get_404, assert_roles_refused
from tests.registration.conftest import count_queries
from tests.registration_factories import ParticipationFactory, VisitorFactory

pytestmark = pytest.mark.django_db

LIST = reverse("registration:visitor_list")


def _person(digibank, location, n_visits=2, **fields):
    visitor = VisitorFactory(digibank=digibank, **fields)
    for i in range(n_visits):
        ParticipationFactory(
            visitor=visitor,
            location=location,
            form_of_service=FormOfService.TRAINING if i % 2 else FormOfService.INDIVIDUAL_SUPPORT,
            occurred_at=ParticipationFactory._meta.declarations["occurred_at"]
            .function()
            .replace(day=1 + i),
        )
    return visitor


def _urls(visitor, other):
    return [
        reverse("registration:visitor_detail", args=[visitor.pk]),
        reverse("registration:visitor_edit", args=[visitor.pk]),
        reverse("registration:visitor_merge", args=[visitor.pk, other.pk]),
        reverse("registration:visitor_export_json", args=[visitor.pk]),
        reverse("registration:visitor_export_pdf", args=[visitor.pk]),
        reverse("registration:visitor_erase", args=[visitor.pk]),
    ]


# -- List ----------------------------------------------------------------------------------------


def test_the_visitor_list_filters(coordinator_client, digibank, location, target_groups):
    returning = _person(digibank, location, 2, first_name="Rosa", postcode="3300")
    returning.target_groups.set([target_groups[0]])
    once = _person(digibank, location, 1, first_name="Omar", postcode="3400")
    unknown = _person(digibank, location, 1, first_name="Ilse", postcode="")

    def names(**params):
        response = coordinator_client.get(LIST, params)
        assert response.status_code == 200
        return {v.first_name for v in response.context["page"]}

    assert names() == {"Rosa", "Omar", "Ilse"}
    assert names(returning="returning") == {"Rosa"}
    assert names(returning="one_time") == {"Omar", "Ilse"}
    assert names(target_group=target_groups[0].pk) == {"Rosa"}
    assert names(postcode="3400") == {"Omar"}
    assert names(postcode="onbekend") == {"Ilse"}
    assert names(form_of_service="training") == {"Rosa"}
    assert names(q="ros") == {"Rosa"}
    assert once and unknown


def test_the_visitor_list_has_constant_queries(coordinator_client, digibank, location):
    for _ in range(3):
        _person(digibank, location)
    _, few = count_queries(lambda: coordinator_client.get(LIST))
    for _ in range(30):
        _person(digibank, location)
    response, many = count_queries(lambda: coordinator_client.get(LIST, {"returning": "returning"}))
    assert response.context["page"].paginator.count == 33
    assert few == many


# -- Detail --------------------------------------------------------------------------------------


def test_the_detail_shows_the_full_history_and_logs_the_view(
    coordinator_client, coordinator, digibank, location, categories
):
    visitor = _person(digibank, location, 3, first_name="Rosa", last_name="Verhoeven")
    question = HelpQuestion.objects.create(
        participation=visitor.participations.filter(form_of_service="individual_support").first(),
        concerned_service="MyMinfin",
        outcome=Outcome.REFERRED_EXTERNAL,
        referred_to_text="OCMW Tienen",
    )
    question.categories.set([categories["tax"]])
    ParticipationFactory(visitor=visitor, location=location, form_of_service="lending")
    url = reverse("registration:visitor_detail", args=[visitor.pk])

    response = coordinator_client.get(url)

    content = response.content.decode()
    assert len(response.context["participations"]) == 4
    assert "MyMinfin" in content and "OCMW Tienen" in content
    assert "Uitlenen" in content or "Uitleen" in content or "Lending" in content
    entry = AuditLogEntry.objects.get(action="registration.visitor.viewed")
    assert (entry.actor, entry.object_id) == (coordinator, str(visitor.pk))
    assert "registration.visitor.viewed" in content  # the history panel


def test_the_detail_has_constant_queries(coordinator_client, digibank, location):
    visitor = _person(digibank, location, 2)
    HelpQuestion.objects.create(participation=visitor.participations.first())
    url = reverse("registration:visitor_detail", args=[visitor.pk])
    _, few = count_queries(lambda: coordinator_client.get(url))
    for _ in range(25):
        p = ParticipationFactory(visitor=visitor, location=location)
        HelpQuestion.objects.create(participation=p, outcome=Outcome.SOLVED)
    response, many = count_queries(lambda: coordinator_client.get(url))
    assert len(response.context["participations"]) == 27
    assert few == many


# -- Edit ----------------------------------------------------------------------------------------


def test_an_edit_is_logged_with_field_names_only(coordinator_client, digibank, location):
    visitor = VisitorFactory(digibank=digibank, first_name="Rosa", last_name="Verhoeven")
    url = reverse("registration:visitor_edit", args=[visitor.pk])
    data = {
        "first_name": "Rosa",
        "last_name": "Verhoeven",
        "birth_year": "1960",
        "postcode": "3300",
        "gender": "female",
        "language": "dutch",
        "education": "unknown",
        "employment": "retired",
        "target_groups_answer": "unknown",
        "phone": "0470 11 22 33",
        "email": "",
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.gender, visitor.employment, visitor.phone) == (
        "female",
        "retired",
        "0470 11 22 33",
    )
    entry = AuditLogEntry.objects.get(action="registration.visitor.changed")
    assert entry.changed_fields == ["employment", "gender", "language", "phone"]
    assert "0470" not in json.dumps(entry.data) + entry.object_repr

    response = coordinator_client.post(url, {**data, "birth_year": "1850"})
    assert "Geef een geboortejaar tussen 1900 en" in response.content.decode()
    visitor.refresh_from_db()
    assert visitor.birth_year == 1960


# -- Merge ---------------------------------------------------------------------------------------


def test_a_coordinator_merges_and_undoes_from_the_pages(coordinator_client, digibank, location):
    a = _person(digibank, location, 2, first_name="Marc", last_name="Janssens", birth_year=1960)
    b = _person(digibank, location, 3, first_name="Mark", last_name="Janssens", birth_year=1960)
    response = coordinator_client.get(reverse("registration:duplicate_candidates"))
    pairs = response.context["pairs"]
    assert [(p.first.pk, p.second.pk) for p in pairs] == [(a.pk, b.pk)]

    url = reverse("registration:visitor_merge", args=[a.pk, b.pk])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, {"keep": str(a.pk)})
    assert response["Location"] == reverse("registration:visitor_detail", args=[a.pk])
    assert Participation.objects.filter(visitor=a).count() == 5
    merge = VisitorMerge.objects.get()

    # The merged record's page leads to the kept one; the undo button is there.
    response = coordinator_client.get(reverse("registration:visitor_detail", args=[b.pk]))
    assert response["Location"] == reverse("registration:visitor_detail", args=[a.pk])
    undo = reverse("registration:merge_undo", args=[merge.pk])
    assert undo in coordinator_client.get(response["Location"]).content.decode()
    coordinator_client.post(undo)
    assert Participation.objects.filter(visitor=a).count() == 2
    assert Participation.objects.filter(visitor=b).count() == 3


# -- Export and erasure --------------------------------------------------------------------------


def test_a_person_gets_their_data_as_json_and_pdf(
    coordinator_client, digibank, location, categories
):
    visitor = _person(digibank, location, 2, first_name="Fatima", last_name="Ouali")
    question = HelpQuestion.objects.create(
        participation=visitor.participations.filter(form_of_service="individual_support").first(),
        concerned_service="itsme",
    )
    question.categories.set([categories["government_login"]])

    response = coordinator_client.get(
        reverse("registration:visitor_export_json", args=[visitor.pk])
    )
    data = json.loads(response.content)
    assert data["visitor"]["first_name"] == "Fatima"
    assert data["visitor"]["visitor_code"] == visitor.visitor_code
    assert len(data["participations"]) == 2
    assert {p["form_of_service"] for p in data["participations"]} == {
        "training",
        "individual_support",
    }
    questions = [q for p in data["participations"] for q in p["help_questions"]]
    assert questions[0]["categories"] == ["government_login"]

    response = coordinator_client.get(reverse("registration:visitor_export_pdf", args=[visitor.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Fatima Ouali" in text
    assert "itsme" in text
    assert "Wat we over jou bijhouden" in text
    assert AuditLogEntry.objects.filter(action="registration.visitor.exported").count() == 2


def test_erasure_from_the_page_keeps_the_visits(coordinator_client, digibank, location):
    visitor = _person(digibank, location, 3, first_name="Fatima", last_name="Ouali")
    url = reverse("registration:visitor_erase", args=[visitor.pk])
    response = coordinator_client.post(url, {})
    assert "Vink het vakje aan" in response.content.decode()
    assert Visitor.objects.get().first_name == "Fatima"

    response = coordinator_client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert visitor.erased_at is not None and visitor.first_name == ""
    assert Participation.objects.filter(visitor=visitor).count() == 3
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Ouali" not in page


# -- Access --------------------------------------------------------------------------------------


def test_coordinator_pages_are_closed_to_outsiders(digibank, location):
    visitor = _person(digibank, location)
    other = _person(digibank, location)
    merge_url = reverse("registration:visitor_merge", args=[visitor.pk, other.pk])
    for url in _urls(visitor, other):
        assert_outsiders_get_404(url, roles=[Role.COORDINATOR])
    assert_outsiders_get_404(
        merge_url, method="post", data={"keep": visitor.pk}, roles=[Role.COORDINATOR]
    )
    assert_outsiders_get_404(
        reverse("registration:visitor_erase", args=[visitor.pk]),
        method="post",
        data={"confirm": "on"},
        roles=[Role.COORDINATOR],
    )
    visitor.refresh_from_db()
    assert visitor.erased_at is None and visitor.merged_into is None


def test_a_merge_undo_is_closed_to_outsiders(digibank, location, coordinator):
    from registration import services

    a, b = _person(digibank, location), _person(digibank, location)
    merge = services.visitor_merge(survivor=a, merged=b, actor=coordinator)
    assert_outsiders_get_404(
        reverse("registration:merge_undo", args=[merge.pk]), method="post", roles=[Role.COORDINATOR]
    )
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_volunteers_referrers_and_department_cannot_use_coordinator_tools(digibank, location):
    visitor = _person(digibank, location)
    other = _person(digibank, location)
    for url in [LIST, reverse("registration:duplicate_candidates"), *_urls(visitor, other)]:
        assert_roles_refused(
            url, digibank=digibank, roles=[Role.VOLUNTEER, Role.REFERRER, Role.DEPARTMENT]
        )
        assert_anonymous_redirected(url)
    assert not AuditLogEntry.objects.filter(action="registration.visitor.viewed").exists()
