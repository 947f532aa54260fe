"""Uniqueness, duplicates, merge/undo and erasure, at the service and selector level."""

import datetime as dt

import pytest
from django.utils import timezone

from digibank.models import AuditLogEntry
from registration import selectors, services
from registration.exceptions import RegistrationError
from registration.models import FormOfService, Participation, Visitor, VisitorMerge
from tests.registration_factories import ParticipationFactory, VisitorFactory

pytestmark = pytest.mark.django_db


def _when(day: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 3, day, 10, 0))


def _record(digibank, visitor, form, day=12, location=None):
    return services.participation_record(
        digibank=digibank,
        form_of_service=form,
        occurred_at=_when(day),
        visitor=visitor,
        location=location,
    )


def test_it_counts_a_person_in_a_workshop_and_at_a_digipunt_once(digibank, location):
    person = VisitorFactory(digibank=digibank, first_name="Maria", last_name="Claes")
    other = VisitorFactory(digibank=digibank, first_name="Jan", last_name="Peeters")
    _record(digibank, person, FormOfService.TRAINING, day=3, location=location)
    _record(digibank, person, FormOfService.INDIVIDUAL_SUPPORT, day=10, location=location)
    _record(digibank, person, FormOfService.INDIVIDUAL_SUPPORT, day=17, location=location)
    _record(digibank, other, FormOfService.LENDING, day=17)

    assert Participation.objects.filter(digibank=digibank).count() == 4
    assert selectors.unique_visitor_count(digibank=digibank) == 2
    assert (
        selectors.unique_visitor_count(digibank=digibank, form_of_service=FormOfService.TRAINING)
        == 1
    )


def test_anonymous_participations_never_count_as_unique(digibank, location):
    person = VisitorFactory(digibank=digibank)
    _record(digibank, person, FormOfService.INDIVIDUAL_SUPPORT)
    for day in (1, 2, 3):
        _record(digibank, None, FormOfService.INDIVIDUAL_SUPPORT, day=day, location=location)

    assert Participation.objects.filter(digibank=digibank).count() == 4
    assert selectors.unique_visitor_count(digibank=digibank) == 1


def test_it_counts_only_its_own_digibank(digibank, other_digibank):
    _record(digibank, VisitorFactory(digibank=digibank), FormOfService.TRAINING)
    _record(other_digibank, VisitorFactory(digibank=other_digibank), FormOfService.TRAINING)
    assert selectors.unique_visitor_count(digibank=digibank) == 1


@pytest.mark.parametrize(
    ("first", "last", "year", "postcode"),
    [
        ("JAN", "PEETERS", 1950, "9999"),  # case (same name, other year and postcode)
        ("Jân", "Péeters", 1950, "9999"),  # accents
        ("  Jan ", "Pee ters", 1950, "9999"),  # spacing
        ("Jan", "Peters", 1948, "3000"),  # one letter missing, same birth year
        ("Jan", "Peetres", 1971, "3300"),  # two letters swapped, same postcode
        ("Jaan", "Peeters", 1948, ""),  # one letter too many, same birth year
        ("Peeters", "Jan", 1948, ""),  # first and last name swapped
    ],
)
def test_it_finds_likely_duplicates(digibank, first, last, year, postcode):
    known = VisitorFactory(
        digibank=digibank, first_name="Jan", last_name="Peeters", birth_year=1948, postcode="3300"
    )
    found = selectors.visitor_duplicates(
        digibank=digibank, first_name=first, last_name=last, birth_year=year, postcode=postcode
    )
    assert [v.pk for v in found] == [known.pk]


def test_it_does_not_flag_a_different_person(digibank, other_digibank):
    VisitorFactory(
        digibank=digibank, first_name="Jan", last_name="Peeters", birth_year=1948, postcode="3300"
    )
    VisitorFactory(digibank=other_digibank, first_name="Jan", last_name="Peeters", birth_year=1948)
    # A similar name, but another birth year and postcode; and a very different name.
    assert not selectors.visitor_duplicates(
        digibank=digibank, first_name="Jan", last_name="Peters", birth_year=1971, postcode="2000"
    )
    assert not selectors.visitor_duplicates(
        digibank=digibank, first_name="Fatima", last_name="Ouali", birth_year=1948, postcode="3300"
    )


def test_duplicate_pairs_lists_likely_pairs_only(digibank):
    a = VisitorFactory(digibank=digibank, first_name="Hélène", last_name="D'Hondt", birth_year=1950)
    b = VisitorFactory(digibank=digibank, first_name="helene", last_name="dhondt", birth_year=1951)
    c = VisitorFactory(digibank=digibank, first_name="Marc", last_name="Janssens", birth_year=1960)
    d = VisitorFactory(digibank=digibank, first_name="Mark", last_name="Janssens", birth_year=1960)
    VisitorFactory(digibank=digibank, first_name="Ahmed", last_name="Benali", birth_year=1960)
    # Same initial for first and last name: never paired with itself.
    VisitorFactory(digibank=digibank, first_name="Linda", last_name="Lambrechts", birth_year=1999)
    merged = VisitorFactory(digibank=digibank, first_name="Marc", last_name="Jansens")
    merged.merged_into = c
    merged.save()

    pairs = {(p.first.pk, p.second.pk) for p in selectors.duplicate_pairs(digibank=digibank)}
    assert pairs == {(a.pk, b.pk), (c.pk, d.pk)}


def test_merge_and_undo_keep_every_participation(digibank, coordinator):
    survivor = VisitorFactory(digibank=digibank, first_name="Marc", last_name="Janssens")
    merged = VisitorFactory(
        digibank=digibank,
        first_name="Mark",
        last_name="Janssens",
        postcode="3300",
        gender="male",
        phone="0470 12 34 56",
    )
    survivor.postcode = ""
    survivor.save()
    kept = [ParticipationFactory(visitor=survivor) for _ in range(2)]
    moved = [ParticipationFactory(visitor=merged) for _ in range(3)]
    anonymous = ParticipationFactory(visitor=None, digibank=digibank)
    total = Participation.objects.count()

    merge = services.visitor_merge(survivor=survivor, merged=merged, actor=coordinator)

    assert Participation.objects.count() == total
    assert Participation.objects.filter(visitor=survivor).count() == 5
    merged.refresh_from_db()
    survivor.refresh_from_db()
    assert merged.merged_into == survivor
    assert (survivor.postcode, survivor.gender, survivor.phone) == ("3300", "male", "0470 12 34 56")
    assert selectors.unique_visitor_count(digibank=digibank) == 1
    assert AuditLogEntry.objects.filter(action="registration.visitor.merged").count() == 1
    # A merged record is no longer found at the desk.
    assert [v.pk for v in selectors.visitor_search(digibank=digibank, query="janssens")] == [
        survivor.pk
    ]

    services.visitor_merge_undo(merge=merge, actor=coordinator)

    assert Participation.objects.count() == total
    assert set(Participation.objects.filter(visitor=survivor).values_list("pk", flat=True)) == {
        p.pk for p in kept
    }
    assert set(Participation.objects.filter(visitor=merged).values_list("pk", flat=True)) == {
        p.pk for p in moved
    }
    assert Participation.objects.get(pk=anonymous.pk).visitor is None
    merged.refresh_from_db()
    survivor.refresh_from_db()
    assert merged.merged_into is None
    assert (survivor.postcode, survivor.gender, survivor.phone) == ("", "unknown", "")
    assert VisitorMerge.objects.get().undone_by == coordinator
    with pytest.raises(RegistrationError):
        services.visitor_merge_undo(merge=merge, actor=coordinator)


def test_it_refuses_to_merge_across_digibanks(digibank, other_digibank, coordinator):
    ours = VisitorFactory(digibank=digibank)
    theirs = VisitorFactory(digibank=other_digibank)
    with pytest.raises(RegistrationError):
        services.visitor_merge(survivor=ours, merged=theirs, actor=coordinator)
    assert Visitor.objects.filter(merged_into__isnull=False).count() == 0


def test_erasure_keeps_counts_and_removes_identity(digibank, coordinator):
    person = VisitorFactory(
        digibank=digibank,
        first_name="Fatima",
        last_name="Ouali",
        birth_year=1970,
        phone="0470",
        email="f@example.be",
    )
    twin = VisitorFactory(digibank=digibank, first_name="Fatma", last_name="Ouali")
    services.visitor_merge(survivor=person, merged=twin, actor=coordinator)
    ParticipationFactory(visitor=person)
    ParticipationFactory(visitor=person, form_of_service=FormOfService.TRAINING)
    old_code, old_pseudonym = person.visitor_code, person.pseudonymous_code
    services.visitor_view_record(visitor=person, actor=coordinator)
    before = selectors.unique_visitor_count(digibank=digibank)

    services.visitor_erase(visitor=person, actor=coordinator)

    person.refresh_from_db()
    twin.refresh_from_db()
    assert selectors.unique_visitor_count(digibank=digibank) == before == 1
    assert Participation.objects.filter(visitor=person).count() == 2
    for record in (person, twin):
        assert (record.first_name, record.last_name, record.birth_year) == ("", "", None)
        assert (record.postcode, record.phone, record.email, record.search_text) == ("", "", "", "")
        assert record.erased_at is not None
    assert person.visitor_code != old_code
    assert person.pseudonymous_code != old_pseudonym
    assert person.pseudonymous_code.startswith("X")
    assert not AuditLogEntry.objects.filter(object_repr__icontains="Ouali").exists()
    assert AuditLogEntry.objects.filter(action="registration.visitor.erased").count() == 1
    assert not selectors.visitor_search(digibank=digibank, query="ouali")
    assert not selectors.visitor_search(digibank=digibank, query=old_code)


def test_participation_record_is_idempotent_by_key(digibank, location):
    person = VisitorFactory(digibank=digibank)
    for _ in range(2):
        services.desk_participation_register(
            digibank=digibank,
            actor=None,
            visitor=person,
            location=location,
            form_of_service=FormOfService.TRAINING,
            idempotency_key="abc",
        )
    assert Participation.objects.count() == 1


def test_the_desk_search_has_a_trigram_index_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm exists only on PostgreSQL; the migration is a no-op elsewhere")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'visitor_search_trgm_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "search_text" in definition
