"""Retention: anonymisation after the digibank's retention period, and its dry-run page."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from digibank.audit import audit_log
from digibank.models import AuditLogEntry, Role
from registration.models import HelpCategory, HelpQuestion, Participation, Visitor
from registration.retention import (
    ANONYMOUS_NAME,
    anonymise_expired_visitors,
    discard_stale_imports,
    months_before,
    visitors_due_for_anonymisation,
)
from registration.tasks import anonymise_expired_visitors as anonymise_task
from tests.access import assert_anonymous_redirected, assert_roles_refused
from tests.registration_factories import ParticipationFactory, VisitorFactory

TODAY = dt.date(2025, 6, 15)
RETENTION = reverse("registration:retention_preview")


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def visit(visitor, day: dt.date):
    return ParticipationFactory(visitor=visitor, occurred_at=at(day))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 6, 15), 36, dt.date(2022, 6, 15)),
        (dt.date(2025, 3, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 10), 13, dt.date(2023, 12, 10)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.fixture
def population(bank):
    """Old and recent visitors; 36 months before TODAY is 2022-06-15."""
    old = VisitorFactory(
        digibank=bank, first_name="Oud", last_name="Bezoeker", phone="0470", email="o@x.be"
    )
    visit(old, dt.date(2021, 1, 10))
    question = HelpQuestion.objects.create(
        participation=visit(old, dt.date(2022, 6, 14)), note="geboren 12/03/1961"
    )
    question.categories.set([HelpCategory.objects.get(code="other")])
    recent = VisitorFactory(digibank=bank, first_name="Recent", last_name="Bezoeker")
    visit(recent, dt.date(2019, 1, 1))
    visit(recent, dt.date(2022, 6, 15))  # exactly on the cut-off: kept
    never = VisitorFactory(digibank=bank, first_name="Nooit", last_name="Gekomen")
    Visitor.objects.filter(pk=never.pk).update(created_at=at(dt.date(2020, 1, 1)))
    new = VisitorFactory(digibank=bank, first_name="Pas", last_name="Ingeschreven")
    merged = VisitorFactory(digibank=bank, first_name="Oud", last_name="Dubbel")
    Visitor.objects.filter(pk=merged.pk).update(merged_into=old)
    return {"old": old, "recent": recent, "never": never, "new": new, "merged": merged}


def unique_visitor_counts(bank):
    """Unique visitors per form of service and in total, the way the indicators count."""
    rows = Participation.objects.filter(digibank=bank, visitor__isnull=False)
    return (
        rows.aggregate(n=Count("visitor", distinct=True))["n"],
        rows.aggregate(n=Count("visitor__pseudonymous_code", distinct=True))["n"],
        sorted(
            rows.values("form_of_service")
            .annotate(n=Count("visitor", distinct=True))
            .values_list("form_of_service", "n")
        ),
        sorted(rows.values_list("visitor__birth_year", "visitor__postcode", "visitor__gender")),
    )


def test_it_finds_who_is_past_the_retention_period(bank, population):
    due = set(visitors_due_for_anonymisation(digibank=bank, today=TODAY))
    assert due == {population["old"], population["never"], population["merged"]}
    bank.retention_months = 60  # cut-off 2020-06-15: only "never" (created 2020-01-01)
    assert set(visitors_due_for_anonymisation(digibank=bank, today=TODAY)) == {population["never"]}


def test_anonymisation_clears_identity_keeps_codes_and_counts(bank, population):
    old = population["old"]
    audit_log(actor=None, action="registration.visitor.viewed", obj=old)
    code, pseudonym = old.visitor_code, old.pseudonymous_code
    counts_before = unique_visitor_counts(bank)
    assert anonymise_expired_visitors(digibank=bank, today=TODAY) == 3
    assert unique_visitor_counts(bank) == counts_before
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.first_name, old.last_name) == (ANONYMOUS_NAME, ANONYMOUS_NAME)
    assert old.phone == "" and old.email == ""
    assert old.norm_first_name == "" and old.search_text == ""
    assert (old.visitor_code, old.pseudonymous_code) == (code, pseudonym)
    assert (old.birth_year, old.postcode) == (1960, "3300")
    assert str(old) == f"#{code}"
    assert HelpQuestion.objects.get(participation__visitor=old).note == ""
    # No name survives in the audit log.
    visitor_type = ContentType.objects.get_for_model(Visitor)
    reprs = AuditLogEntry.objects.filter(
        content_type=visitor_type, object_id=str(old.pk)
    ).values_list("object_repr", flat=True)
    assert set(reprs) == {f"#{code}"}
    assert AuditLogEntry.objects.filter(action="registration.visitor.anonymised").count() == 3
    population["recent"].refresh_from_db()
    population["new"].refresh_from_db()
    assert population["recent"].first_name == "Recent" and not population["recent"].anonymised_at
    assert population["new"].anonymised_at is None


def test_anonymisation_is_idempotent(bank, population):
    anonymise_expired_visitors(digibank=bank, today=TODAY)
    entries = AuditLogEntry.objects.count()
    assert anonymise_expired_visitors(digibank=bank, today=TODAY) == 0
    assert AuditLogEntry.objects.count() == entries


def test_other_digibanks_are_not_touched(bank, other_digibank, population):
    foreign = VisitorFactory(digibank=other_digibank, first_name="Vreemd")
    Visitor.objects.filter(pk=foreign.pk).update(created_at=at(dt.date(2010, 1, 1)))
    anonymise_expired_visitors(digibank=bank, today=TODAY)
    foreign.refresh_from_db()
    assert foreign.first_name == "Vreemd" and foreign.anonymised_at is None


def test_the_celery_task_runs_every_digibank(bank, other_digibank, population):
    foreign = VisitorFactory(digibank=other_digibank, first_name="Vreemd")
    Visitor.objects.filter(pk=foreign.pk).update(created_at=at(dt.date(2010, 1, 1)))
    expected = visitors_due_for_anonymisation(digibank=bank).count()  # as of today
    assert expected >= 3
    result = anonymise_task.apply().get()
    assert result[bank.pk] == expected and result[other_digibank.pk] == 1
    assert not visitors_due_for_anonymisation(digibank=bank).exists()
    assert anonymise_task.apply().get()[bank.pk] == 0
    assert anonymise_task.name == "registration.tasks.anonymise_expired_visitors"


def test_stale_uploads_are_removed(bank, bank_coordinator):
    from registration.models import ImportBatch

    old = ImportBatch.objects.create(digibank=bank, original_name="oud.csv")
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    fresh = ImportBatch.objects.create(digibank=bank, original_name="nieuw.csv")
    assert discard_stale_imports() == 1
    assert list(ImportBatch.objects.all()) == [fresh]


def test_the_dry_run_page_lists_who_would_be_affected(
    bank, bank_coordinator_client, django_assert_max_num_queries
):
    today = timezone.localdate()
    gone = VisitorFactory(digibank=bank, first_name="Lang", last_name="Weg")
    visit(gone, months_before(today, 37))
    here = VisitorFactory(digibank=bank, first_name="Nog", last_name="Actief")
    visit(here, months_before(today, 37))
    visit(here, months_before(today, 2))
    with django_assert_max_num_queries(15) as first:
        response = bank_coordinator_client.get(RETENTION)
    content = response.content.decode()
    assert response.context["count"] == 1
    assert "Lang Weg" in content and gone.visitor_code in content
    assert "Actief" not in content
    for n in range(20):
        v = VisitorFactory(digibank=bank, first_name=f"Extra{n}")
        Visitor.objects.filter(pk=v.pk).update(created_at=at(months_before(today, 40)))
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = bank_coordinator_client.get(RETENTION)
    assert response.context["count"] == 21
    assert Visitor.objects.filter(anonymised_at__isnull=False).count() == 0  # only a dry run


def test_the_dry_run_page_is_for_coordinators(bank):
    assert_roles_refused(
        RETENTION, digibank=bank, roles=[Role.VOLUNTEER, Role.REFERRER, Role.DEPARTMENT]
    )
    assert_anonymous_redirected(RETENTION)
