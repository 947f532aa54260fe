import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from digibank.models import Role
from digibank.services import digibank_create
from tests.access import client_for
from tests.factories import make_member

EXAMPLE_PATH = Path(__file__).parent / "data" / "legacy_registrations_example.csv"
HEADER = [
    "Tijdstempel",
    "Voornaam",
    "Achternaam",
    "Geboortejaar",
    "Postcode",
    "Geslacht",
    "Taal",
    "Scholing",
    "Statuut",
    "Doelgroep",
    "Dienstverlening",
    "Activiteit",
    "Locatie",
    "Eerder deelgenomen",
    "Hulpvraag",
    "Doorverwezen door",
]


def example_bytes() -> bytes:
    return EXAMPLE_PATH.read_bytes()


def example_rows() -> list[list[str]]:
    text = example_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def to_csv(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**values) -> list[str]:
    """One data row in HEADER order; unspecified columns are empty."""
    defaults = {
        "Tijdstempel": "12/03/2024 10:00",
        "Dienstverlening": "Individuele begeleiding",
    }
    defaults.update(values)
    return [defaults.get(name, "") for name in HEADER]


def person(first: str, last: str, year: str = "1960", postcode: str = "3300", **more) -> list[str]:
    return row(Voornaam=first, Achternaam=last, Geboortejaar=year, Postcode=postcode, **more)


@pytest.fixture(autouse=True)
def _private_import_root(settings, tmp_path):
    settings.IMPORT_FILE_ROOT = tmp_path / "imports"
    # Many members are made per test: a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bank(db):
    """A digibank created the way the app creates them (target groups, consent text)."""
    return digibank_create(slug="tienen", name="Digibank Tienen")


@pytest.fixture
def bank_coordinator(bank):
    return make_member(Role.COORDINATOR, bank, name="Cas Coördinator")


@pytest.fixture
def bank_coordinator_client(bank_coordinator):
    return client_for(bank_coordinator)
