"""Exports of visitors and participations: scoped, audited, formula-escaped."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from digibank.models import AuditLogEntry, Role
from registration.resources import escape_formula
from tests.access import assert_anonymous_redirected, assert_roles_refused
from tests.registration_factories import ParticipationFactory, VisitorFactory

EXPORT = reverse("registration:export")


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+32 470", "'+32 470"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Peeters", "Peeters"),
        (1960, 1960),
        (None, None),
    ],
)
def test_it_escapes_formulas(value, escaped):
    assert escape_formula(value) == escaped


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def people(bank, other_digibank):
    evil = VisitorFactory(
        digibank=bank,
        first_name='=HYPERLINK("http://evil.example","klik")',
        last_name="@Peeters",
        phone="+32470000000",
        email="maria@example.be",
    )
    ParticipationFactory(visitor=evil, activity_name="-workshop")
    ParticipationFactory(visitor=VisitorFactory(digibank=bank, first_name="Jan"))
    ParticipationFactory(visitor=VisitorFactory(digibank=other_digibank, first_name="Vreemd"))
    return evil


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_visitor_export_is_escaped_scoped_and_audited(
    bank, people, bank_coordinator, bank_coordinator_client, file_format
):
    response = bank_coordinator_client.get(EXPORT, {"kind": "visitors", "file_format": file_format})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = (read_csv if file_format == "csv" else read_xlsx)(response.content)
    assert len(rows) == 2
    evil = next(r for r in rows if r["visitor_code"] == people.visitor_code)
    assert evil["first_name"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert evil["last_name"] == "'@Peeters"
    assert evil["phone"] == "'+32470000000"
    assert evil["email"] == "maria@example.be"
    assert "Vreemd" not in response.content.decode("latin-1")
    entry = AuditLogEntry.objects.get(action="registration.export.downloaded")
    assert entry.actor == bank_coordinator and entry.digibank == bank
    assert entry.data == {"kind": "visitors", "format": file_format, "rows": 2}


def test_xlsx_cells_are_text_not_formulas(bank, people, bank_coordinator_client):
    response = bank_coordinator_client.get(EXPORT, {"kind": "visitors", "file_format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_participation_export_carries_codes_not_names(
    bank, people, bank_coordinator_client, file_format
):
    response = bank_coordinator_client.get(
        EXPORT, {"kind": "participations", "file_format": file_format}
    )
    rows = (read_csv if file_format == "csv" else read_xlsx)(response.content)
    assert len(rows) == 2
    assert {r["visitor_code"] for r in rows} >= {people.visitor_code}
    assert "'-workshop" in {r["activity_name"] for r in rows}
    assert b"HYPERLINK" not in response.content


def test_the_export_page_shows_the_choice(bank_coordinator_client):
    response = bank_coordinator_client.get(EXPORT)
    assert response.status_code == 200
    assert 'name="kind"' in response.content.decode()
    assert not AuditLogEntry.objects.filter(action="registration.export.downloaded").exists()


def test_export_query_count_does_not_grow(
    bank, bank_coordinator_client, django_assert_max_num_queries
):
    for _ in range(3):
        ParticipationFactory(visitor=VisitorFactory(digibank=bank))
    params = {"kind": "visitors", "file_format": "csv"}
    with django_assert_max_num_queries(20) as small:
        bank_coordinator_client.get(EXPORT, params)
    for _ in range(30):
        ParticipationFactory(visitor=VisitorFactory(digibank=bank))
    with django_assert_max_num_queries(len(small.captured_queries)):
        bank_coordinator_client.get(EXPORT, params)


def test_export_is_for_coordinators_only(bank):
    for params in ({}, {"kind": "visitors", "file_format": "csv"}):
        url = EXPORT + ("?kind=visitors&file_format=csv" if params else "")
        assert_roles_refused(
            url, digibank=bank, roles=[Role.VOLUNTEER, Role.REFERRER, Role.DEPARTMENT]
        )
        assert_anonymous_redirected(url)
    assert not AuditLogEntry.objects.filter(action="registration.export.downloaded").exists()
