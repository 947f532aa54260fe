"""Uploads of the wrong type or size are refused before they are read."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from digibank.exceptions import DigibankError
from digibank.models import Role
from digibank.uploads import CSV, PDF, XLSX, validate_upload
from tests.access import client_for
from tests.security.crawl import data_forms, pages, row_counts


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["Voornaam", "Naam"])
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_accepts_a_real_spreadsheet_and_csv_files():
    assert (
        validate_upload(
            SimpleUploadedFile("bezoekers.xlsx", _xlsx_bytes()), kinds=[XLSX, CSV], max_bytes=10**6
        )
        is XLSX
    )
    for content in ("Voornaam;Naam\nZoë;Peeters\n".encode(), "Zoë;Brûlé\n".encode("cp1252")):
        upload = SimpleUploadedFile("export.CSV", content)
        assert validate_upload(upload, kinds=[XLSX, CSV], max_bytes=10**6) is CSV
        assert upload.read() == content  # left at the start for the reader


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leeg.xlsx", b"", "is leeg"),
        ("groot.csv", b"a;b\n" * 300, "te groot"),
        ("programma.exe", b"MZ\x90\x00\x03", "soort bestand kan niet"),
        ("bezoekers.xls", b"\xd0\xcf\x11\xe0", "soort bestand kan niet"),
        ("pagina.html", b"<html><script>alert(1)</script>", "soort bestand kan niet"),
        ("verkleed.xlsx", b"MZ\x90\x00 not a spreadsheet", "past niet bij het type"),
        ("verkleed.xlsx", b"<html><body>hello</body></html>", "past niet bij het type"),
        ("binair.csv", b"PK\x03\x04\x00\x00\x08\x00", "past niet bij het type"),
    ],
)
def test_it_refuses_empty_oversized_and_wrongly_typed_files(name, content, message):
    with pytest.raises(DigibankError, match=message) as raised:
        validate_upload(SimpleUploadedFile(name, content), kinds=[XLSX, CSV], max_bytes=1000)
    assert raised.value.field == "file"


def test_the_message_names_the_allowed_types_and_the_limit():
    with pytest.raises(DigibankError) as raised:
        validate_upload(SimpleUploadedFile("x.doc", b"x"), kinds=[PDF], max_bytes=1000)
    assert ".pdf" in raised.value.message
    with pytest.raises(DigibankError) as raised:
        validate_upload(SimpleUploadedFile("x.pdf", b"%PDF-" * 500), kinds=[PDF], max_bytes=1000)
    assert "1000" in raised.value.message.replace("\xa0", " ").replace(".", "")


@pytest.mark.django_db
def test_a_request_body_over_the_limit_is_refused(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.IMPORT_MAX_UPLOAD_BYTES <= 50 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = Client().post("/accounts/login/", {"login": "x" * 20_000, "password": "y"})
    assert response.status_code == 400


def test_every_upload_form_refuses_wrong_types_and_oversized_files(world, settings):
    """Once an app has an upload form (the legacy import), junk must not get in."""
    settings.IMPORT_MAX_UPLOAD_BYTES = 50_000
    coordinator = client_for(world.member(Role.COORDINATOR))
    checked_pages = 0
    upload_forms = 0
    for route, html in list(pages(world, coordinator)):
        checked_pages += 1
        for form, target in data_forms(html, world.url(route)):
            if not form.has_file_input:
                continue
            file_fields = [f.name for f in form.fields if f.type == "file"]
            # Each refused by the one upload check (digibank.uploads.validate_upload), whose
            # Dutch message the page shows.
            for name, content, message in (
                ("programma.exe", b"MZ\x90\x00" * 100, "Dit soort bestand kan niet"),
                ("verkleed.xlsx", b"MZ\x90\x00" * 100, "past niet bij het type"),
                ("groot.csv", b"Voornaam;Naam\n" + b"Zoe;Peeters\n" * 10_000, "te groot"),
            ):
                before = row_counts()
                data = form.filled("test")
                for field in file_fields:
                    data[field] = SimpleUploadedFile(name, content)
                response = coordinator.post(target, data, follow=True)
                assert response.status_code < 500, f"{target} with {name}"
                assert row_counts() == before, f"{target} accepted {name}"
                assert message in response.content.decode(), f"{target} with {name}"
                upload_forms += 1
    assert checked_pages >= 8
    assert upload_forms >= 3  # the legacy import at least
