"""The two-step import in the browser, and the command line."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from digibank.models import AuditLogEntry, Location, Organisation, Role
from registration.models import ImportBatch, Participation, Visitor
from tests.access import (
    assert_anonymous_redirected,
    assert_outsiders_get_404,
    assert_roles_refused,
)
from tests.importprivacy.conftest import HEADER, example_bytes, person, to_csv

UPLOAD = reverse("registration:import_upload")


def upload(client, data: bytes, name: str = "oud.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def test_it_shows_the_upload_page(bank_coordinator_client):
    response = bank_coordinator_client.get(UPLOAD)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_upload_shows_a_dry_run_preview_and_saves_nothing(bank, bank_coordinator_client, settings):
    response = upload(bank_coordinator_client, example_bytes())
    batch = ImportBatch.objects.get(digibank=bank)
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:import_preview", args=[batch.pk])
    assert not Participation.objects.exists() and not Visitor.objects.exists()
    assert batch.file and Path(batch.file.path).read_bytes() == example_bytes()
    assert str(Path(batch.file.path)).startswith(str(settings.IMPORT_FILE_ROOT))
    with pytest.raises(NotImplementedError):
        batch.file.storage.url(batch.file.name)  # never served on the web
    page = bank_coordinator_client.get(response["Location"]).content.decode()
    assert "53" in page
    assert "Bibliotheek Tienen" in page and "OCMW Tienen" in page
    assert 'name="location_0"' in page and 'name="referrer_0"' in page


def test_confirm_imports_everything_and_removes_the_file(
    bank, bank_coordinator_client, django_capture_on_commit_callbacks
):
    upload(bank_coordinator_client, example_bytes())
    batch = ImportBatch.objects.get(digibank=bank)
    path = Path(batch.file.path)
    url = reverse("registration:import_preview", args=[batch.pk])
    existing = Location.objects.create(digibank=bank, name="Markt", slug="markt")
    preview = batch.preview
    data = {f"location_{i}": "new" for i in range(len(preview["unknown_locations"]))}
    data[f"location_{preview['unknown_locations'].index('Markt Tienen')}"] = (
        f"location:{existing.pk}"
    )
    data.update({f"referrer_{i}": "new" for i in range(len(preview["unknown_referrers"]))})
    with django_capture_on_commit_callbacks(execute=True):
        response = bank_coordinator_client.post(url, data)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.result["participations_created"] == 53
    assert batch.preview == {}
    assert not batch.file and not path.exists()
    assert Participation.objects.filter(digibank=bank).count() == 53
    assert Participation.objects.filter(location=existing).count() == 7
    assert not Location.objects.filter(name="Markt Tienen").exists()
    assert Organisation.objects.filter(digibank=bank, name="Sociaal Huis").exists()
    page = bank_coordinator_client.get(url).content.decode()
    assert "53" in page
    # Confirming again imports nothing more.
    bank_coordinator_client.post(url, data)
    assert Participation.objects.filter(digibank=bank).count() == 53


def test_uploading_the_same_file_again_shows_nothing_to_create(bank, bank_coordinator_client):
    from registration.importing import legacy_import

    legacy_import(digibank=bank, data=example_bytes(), filename="x.csv", create_unknown=True)
    upload(bank_coordinator_client, example_bytes())
    batch = ImportBatch.objects.get(digibank=bank)
    assert batch.preview["participations_created"] == 0
    assert batch.preview["already_imported"] == 53
    assert batch.preview["visitors_matched"] == 10


def test_a_file_with_rejected_rows_cannot_be_confirmed(bank, bank_coordinator_client):
    data = to_csv([HEADER, person("Ann", "Smet"), person("Oud", "Mens", "1850")])
    upload(bank_coordinator_client, data)
    batch = ImportBatch.objects.get(digibank=bank)
    url = reverse("registration:import_preview", args=[batch.pk])
    page = bank_coordinator_client.get(url).content.decode()
    assert "1850" in page and "Import now" not in page and "Nu inlezen" not in page
    audit_before = AuditLogEntry.objects.count()
    response = bank_coordinator_client.post(url, {}, follow=True)
    assert "Nothing has been imported" in response.content.decode() or "Er is niets" in (
        response.content.decode()
    )
    assert not Participation.objects.exists() and not Visitor.objects.exists()
    assert AuditLogEntry.objects.count() == audit_before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "leeg.csv"),
        ("Tijdstempel;Voornaam".encode("utf-16"), "utf16.csv"),
        (b"%PDF-1.4", "brief.pdf"),
        (to_csv([["Tijdstempel", "Voornaam"], ["1/1/2024", "Ann"]]), "kolommen.csv"),
    ],
)
def test_broken_uploads_get_a_message_and_keep_nothing(bank, bank_coordinator_client, data, name):
    response = upload(bank_coordinator_client, data, name)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_above_the_limit_is_refused(bank, bank_coordinator_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    big = example_bytes() + b"\n" * (50 * 1024 * 1024)
    response = upload(bank_coordinator_client, big)
    assert response.status_code == 200
    content = response.content.decode()
    assert "50.0" in content and "20.0" in content
    assert not ImportBatch.objects.exists() and not Participation.objects.exists()


def test_discard_removes_the_upload(
    bank, bank_coordinator_client, django_capture_on_commit_callbacks
):
    upload(bank_coordinator_client, example_bytes())
    batch = ImportBatch.objects.get(digibank=bank)
    path = Path(batch.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = bank_coordinator_client.post(
            reverse("registration:import_discard", args=[batch.pk])
        )
    assert response.status_code == 302
    assert not ImportBatch.objects.exists() and not path.exists()


def test_import_pages_are_closed_to_outsiders_and_other_roles(bank, bank_coordinator_client):
    upload(bank_coordinator_client, example_bytes())
    batch = ImportBatch.objects.get(digibank=bank)
    preview = reverse("registration:import_preview", args=[batch.pk])
    discard = reverse("registration:import_discard", args=[batch.pk])
    assert_outsiders_get_404(preview, roles=[Role.COORDINATOR])
    assert_outsiders_get_404(preview, method="post", data={}, roles=[Role.COORDINATOR])
    assert_outsiders_get_404(discard, method="post", roles=[Role.COORDINATOR])
    for url, method in ((UPLOAD, "get"), (UPLOAD, "post"), (preview, "get"), (discard, "post")):
        assert_roles_refused(
            url,
            digibank=bank,
            roles=[Role.VOLUNTEER, Role.REFERRER, Role.DEPARTMENT],
            method=method,
        )
        assert_anonymous_redirected(url, method=method)
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert not Participation.objects.exists()


# -- Command line ------------------------------------------------------------------------------


def run(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("import_registrations", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def example_file(tmp_path):
    path = tmp_path / "oud.csv"
    path.write_bytes(example_bytes())
    return path


def test_command_dry_run_prints_the_summary_and_writes_nothing(bank, example_file):
    summary = run(str(example_file), "--digibank", "tienen", "--dry-run")
    assert list(summary) == [
        "rows",
        "participations_created",
        "visitors_created",
        "visitors_matched",
        "anonymous",
        "possible_duplicates",
        "created_locations",
        "created_referrers",
        "rejected",
    ]
    assert summary["participations_created"] == 53
    assert not Participation.objects.exists() and not Location.objects.exists()


def test_command_imports_and_creates_unknown_locations_and_referrers(bank, example_file):
    summary = run(str(example_file), "--digibank", "tienen")
    assert summary["participations_created"] == 53
    assert summary["visitors_created"] == 10
    assert sorted(summary["created_locations"]) == sorted(
        Location.objects.filter(digibank=bank).values_list("name", flat=True)
    )
    assert summary["created_referrers"] == ["OCMW Tienen", "Sociaal Huis"]
    again = run(str(example_file), "--digibank", "tienen")
    assert again["participations_created"] == 0 and again["created_locations"] == []
    assert Participation.objects.count() == 53


def test_command_refuses_a_file_with_rejected_rows_and_imports_nothing(bank, tmp_path):
    path = tmp_path / "fout.csv"
    path.write_bytes(
        to_csv([HEADER, person("Ann", "Smet"), person("Bob", "Smet", Dienstverlening="Yoga")])
    )
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_registrations", str(path), "--digibank", "tienen", stdout=out)
    assert error.value.returncode == 1
    summary = json.loads(out.getvalue())
    assert summary["rejected"][0]["row"] == 3 and "Yoga" in summary["rejected"][0]["reason"]
    assert summary["participations_created"] == 0
    assert not Participation.objects.exists() and not Visitor.objects.exists()
    assert not Location.objects.exists()
    # A dry run of the same file succeeds and lists the rejected row.
    assert run(str(path), "--digibank", "tienen", "--dry-run")["rejected"][0]["row"] == 3


def test_command_reports_unreadable_files_and_unknown_digibanks(bank, tmp_path):
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="leeg"):
        call_command("import_registrations", str(empty), "--digibank", "tienen")
    with pytest.raises(CommandError, match="nope"):
        call_command("import_registrations", str(empty), "--digibank", "nope")


def test_command_refuses_a_file_above_the_limit(bank, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    path = tmp_path / "groot.csv"
    path.write_bytes(example_bytes())
    with pytest.raises(CommandError, match="too large"):
        call_command("import_registrations", str(path), "--digibank", "tienen")
    assert not Participation.objects.exists()


def test_upload_page_query_count_does_not_grow(
    bank, bank_coordinator, bank_coordinator_client, django_assert_max_num_queries
):
    ImportBatch.objects.create(digibank=bank, original_name="a.csv", uploaded_by=bank_coordinator)
    with django_assert_max_num_queries(20) as first:
        bank_coordinator_client.get(UPLOAD)
    for n in range(10):
        ImportBatch.objects.create(
            digibank=bank, original_name=f"{n}.csv", uploaded_by=bank_coordinator
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = bank_coordinator_client.get(UPLOAD)
    assert "9.csv" in response.content.decode()
