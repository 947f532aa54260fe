"""The legacy import service: reading, value lists, identity, idempotency, all-or-nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from digibank.models import AuditLogEntry, Location, Organisation
from registration.exceptions import RegistrationError
from registration.identity import pseudonymous_code
from registration.importing import (
    SUMMARY_KEYS,
    ImportFileError,
    guess_activity_kind,
    guess_help_category,
    legacy_import,
    legacy_plan,
    legacy_preview,
)
from registration.models import HelpQuestion, Participation, ReferrerChannel, Visitor
from tests.importprivacy.conftest import (
    HEADER,
    example_bytes,
    example_rows,
    person,
    row,
    to_csv,
    to_xlsx,
)
from tests.registration_factories import VisitorFactory

EXAMPLE_PEOPLE = 10  # Ayşe, Mohamed, Fatima, Maria, Koen, Samira, Jozef, Godelieve, Hélène, Rik


def db_state():
    return (
        Visitor.objects.count(),
        Participation.objects.count(),
        HelpQuestion.objects.count(),
        Location.objects.count(),
        Organisation.objects.count(),
    )


def test_it_previews_the_example_file_without_writing(bank):
    before = db_state()
    summary = legacy_preview(digibank=bank, data=example_bytes(), filename="example.csv")
    assert list(summary) == list(SUMMARY_KEYS)
    assert summary["rows"] == 53
    assert summary["participations_created"] == 53
    assert summary["visitors_created"] == EXAMPLE_PEOPLE
    assert summary["anonymous"] == 4
    assert summary["rejected"] == []
    assert summary["possible_duplicates"] == []
    assert "Bibliotheek Tienen" in summary["created_locations"]
    assert summary["created_referrers"] == ["OCMW Tienen", "Sociaal Huis"]
    assert db_state() == before


def test_it_imports_the_example_file(bank, bank_coordinator):
    summary = legacy_import(
        digibank=bank,
        data=example_bytes(),
        filename="example.csv",
        actor=bank_coordinator,
        create_unknown=True,
    )
    assert summary["participations_created"] == 53
    assert Participation.objects.filter(digibank=bank).count() == 53
    assert Participation.objects.filter(digibank=bank, visitor__isnull=True).count() == 4
    assert Visitor.objects.filter(digibank=bank).count() == EXAMPLE_PEOPLE
    # Hélène / HÉLÈNE / Helene / "  Hélène " DUBOIS are one person with 6 participations.
    helene = Visitor.objects.get(digibank=bank, norm_first_name="helene")
    assert helene.participations.count() == 6
    assert (helene.first_name, helene.last_name) == ("Hélène", "Dubois")
    assert helene.pseudonymous_code == pseudonymous_code("Hélène", "Dubois", 1960)
    assert len(helene.visitor_code) == 6
    assert helene.gender == "female" and helene.language == "other"
    assert helene.education == "isced_5_8" and helene.employment == "retired"
    assert set(helene.target_groups.values_list("code", flat=True)) == {
        "age_55_74",
        "other_language",
    }
    koen = Visitor.objects.get(digibank=bank, norm_last_name="vandenbroeck")
    assert set(koen.target_groups.values_list("code", flat=True)) == {"low_income", "disability"}
    # Every created visitor has its own code.
    codes = list(Visitor.objects.filter(digibank=bank).values_list("visitor_code", flat=True))
    assert len(set(codes)) == EXAMPLE_PEOPLE


def test_it_maps_columns_to_the_ledger_fields(bank, bank_coordinator):
    legacy_import(
        digibank=bank, data=example_bytes(), filename="x.csv", actor=bank_coordinator,
        create_unknown=True,
    )  # fmt: skip
    first = Participation.objects.get(digibank=bank, occurred_on=dt.date(2024, 1, 3))
    assert first.form_of_service == "computer_room"
    assert first.activity_name == "Computerruimte bib"
    assert first.activity_kind == "computer_room"
    assert first.location.name == "Bibliotheek Tienen"
    assert first.referrer_channel == ReferrerChannel.LIBRARY
    assert first.registered_by == bank_coordinator
    assert timezone.localtime(first.occurred_at).hour == 9
    iso = Participation.objects.get(digibank=bank, occurred_on=dt.date(2024, 9, 2))
    assert timezone.localtime(iso.occurred_at).hour == 14
    assert iso.activity_kind == "workshop"
    assert iso.reported_returning is True
    ocmw = Participation.objects.get(digibank=bank, occurred_on=dt.date(2024, 1, 19))
    assert ocmw.referrer_organisation.name == "OCMW Tienen"
    assert ocmw.referrer_organisation.type == Organisation.Type.SOCIAL_SERVICES
    assert ocmw.activity_kind == "digipunt_walk_in"
    question = ocmw.help_questions.get()
    assert question.note == "eBox activeren"
    assert list(question.categories.values_list("code", flat=True)) == ["government_mail"]
    assert question.concerned_service == "eBox"
    digicafe = Participation.objects.filter(digibank=bank, activity_name="Digicafé").first()
    assert digicafe.activity_kind == "digicafe"
    word = Participation.objects.get(digibank=bank, occurred_on=dt.date(2024, 3, 21))
    assert word.referrer_channel == ReferrerChannel.WORD_OF_MOUTH
    # Help questions only for individual support.
    assert not HelpQuestion.objects.exclude(participation__form_of_service="individual_support")
    assert AuditLogEntry.objects.filter(action="registration.import.completed").count() == 1
    assert (
        AuditLogEntry.objects.filter(action="registration.visitor.imported").count()
        == EXAMPLE_PEOPLE
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("itsme installeren", "government_login"),
        ("MyMinfin aangifte inloggen", "tax"),
        ("eBox activeren", "government_mail"),
        ("Doccle brief", "government_mail"),
        ("bankapp werkt niet", "banking"),
        ("phishing sms gekregen", "safety"),
        ("mailbox opkuisen", "email"),
        ("QR-code scannen", "device_setup"),
        ("nieuwe smartphone overzetten", "device_setup"),
        ("iets heel anders", "other"),
    ],
)
def test_it_guesses_the_help_category(text, code):
    assert guess_help_category(text) == code


@pytest.mark.parametrize(
    ("activity", "form", "kind"),
    [
        ("Digipunt bib", "individual_support", "digipunt_walk_in"),
        ("Digicafé", "training", "digicafe"),
        ("Workshop itsme", "training", "workshop"),
        ("Infosessie phishing", "training", "info_session"),
        ("Uitleen laptop", "lending", "loan"),
        ("Computerruimte bib", "computer_room", "computer_room"),
        ("", "lending", "loan"),
    ],
)
def test_it_guesses_the_activity_kind(activity, form, kind):
    assert guess_activity_kind(activity, form) == kind


def test_a_second_import_of_the_same_file_creates_nothing(bank):
    legacy_import(digibank=bank, data=example_bytes(), filename="x.csv", create_unknown=True)
    before = db_state()
    second = legacy_import(
        digibank=bank, data=example_bytes(), filename="x.csv", create_unknown=True
    )
    assert second["participations_created"] == 0
    assert second["visitors_created"] == 0
    assert second["anonymous"] == 0
    assert second["visitors_matched"] == EXAMPLE_PEOPLE
    assert second["created_locations"] == [] and second["created_referrers"] == []
    assert db_state() == before


def test_a_reexport_with_extra_rows_adds_only_the_new_rows(bank):
    rows = example_rows()
    legacy_import(digibank=bank, data=to_csv(rows[:20]), filename="x.csv", create_unknown=True)
    summary = legacy_import(digibank=bank, data=to_csv(rows), filename="x.csv", create_unknown=True)
    assert summary["participations_created"] == 53 - 19
    assert Participation.objects.filter(digibank=bank).count() == 53
    assert Visitor.objects.filter(digibank=bank).count() == EXAMPLE_PEOPLE


def test_identical_rows_are_both_kept_and_still_idempotent(bank):
    data = to_csv([HEADER, row(), row()])
    first = legacy_import(digibank=bank, data=data, filename="x.csv")
    assert first["participations_created"] == 2 and first["anonymous"] == 2
    assert legacy_import(digibank=bank, data=data, filename="x.csv")["participations_created"] == 0
    assert Participation.objects.filter(digibank=bank).count() == 2


def test_the_same_file_in_another_digibank_is_imported_there(bank, other_digibank):
    legacy_import(digibank=bank, data=example_bytes(), filename="x.csv", create_unknown=True)
    from registration.hooks import digibank_created

    digibank_created(other_digibank)
    summary = legacy_import(
        digibank=other_digibank, data=example_bytes(), filename="x.csv", create_unknown=True
    )
    assert summary["participations_created"] == 53
    assert summary["visitors_matched"] == 0


def test_it_reads_xlsx_comma_csv_and_windows_1252_alike(bank):
    # Windows-1252 has no ş: Excel writes "s" there. Compare all variants on that text.
    rows = [[cell.replace("ş", "s").replace("Ş", "S") for cell in r] for r in example_rows()]
    reference = legacy_preview(digibank=bank, data=to_csv(rows), filename="a.csv")
    assert reference["participations_created"] == 53 and reference["rejected"] == []
    variants = {
        "b.xlsx": to_xlsx(rows),
        "c.csv": to_csv(rows, delimiter=","),
        "d.csv": to_csv(rows, encoding="cp1252"),
        "e.csv": b"\xef\xbb\xbf" + to_csv(rows),
    }
    assert b"H\xe9l\xe8ne" in variants["d.csv"]
    for name, data in variants.items():
        summary = legacy_preview(digibank=bank, data=data, filename=name)
        assert summary == reference, name


def test_windows_1252_accents_are_read_correctly(bank):
    data = to_csv(
        [HEADER, person("Hélène", "Dubois"), person("Helene", "DUBOIS")], encoding="cp1252"
    )
    assert data.count(b"\xe9") == 1 and data.count(b"\xe8") == 1  # é, è in Windows-1252
    legacy_import(digibank=bank, data=data, filename="x.csv")
    visitor = Visitor.objects.get(digibank=bank)
    assert visitor.first_name in ("Hélène", "Helene")
    assert visitor.participations.count() == 2


def test_xlsx_with_real_dates_and_numbers(bank):
    data = to_xlsx(
        [
            HEADER,
            [dt.datetime(2024, 5, 1, 10, 30), "Jan", "Peeters", 1950, 3300]
            + [""] * 5
            + ["Vorming", "Workshop itsme", "", "", "", ""],
        ]
    )
    legacy_import(digibank=bank, data=data, filename="x.xlsx")
    participation = Participation.objects.get(digibank=bank)
    assert participation.occurred_on == dt.date(2024, 5, 1)
    assert participation.visitor.birth_year == 1950 and participation.visitor.postcode == "3300"


def test_headers_match_case_accent_and_space_insensitively(bank):
    header = [f"  {h.upper()} " for h in HEADER]
    header[0] = "TÏJDSTEMPEL"
    data = to_csv([header, person("An", "Smet")])
    summary = legacy_preview(digibank=bank, data=data, filename="x.csv")
    assert summary["rejected"] == [] and summary["visitors_created"] == 1


# -- Identity ----------------------------------------------------------------------------------


def test_case_accent_space_and_hyphen_variants_are_one_person(bank):
    data = to_csv(
        [
            HEADER,
            person("Jean-Pierre", "Van den Broeck", Tijdstempel="01/02/2024 10:00"),
            person("  jean pierre ", "VAN DEN BROECK", Tijdstempel="02/02/2024 10:00"),
            person("Jéan Piérre", "Vandenbroeck", Tijdstempel="03/02/2024 10:00"),
            person("JEANPIERRE", "van-den-broeck", Tijdstempel="04/02/2024 10:00"),
        ]
    )
    summary = legacy_import(digibank=bank, data=data, filename="x.csv")
    assert summary["visitors_created"] == 1
    assert summary["possible_duplicates"] == []
    assert Visitor.objects.get(digibank=bank).participations.count() == 4


def test_a_one_letter_typo_is_listed_not_merged(bank):
    data = to_csv(
        [
            HEADER,
            person("Jozef", "Claes", "1948", "3400"),
            person("Josef", "Claes", "1948", "3400"),
            person("Jozef", "Claes", "1949", "3400"),  # another birth year: another person
        ]
    )
    plan = legacy_plan(digibank=bank, data=data, filename="x.csv")
    summary = plan.summary()
    assert summary["visitors_created"] == 3
    assert summary["possible_duplicates"] == [{"row": 2, "similar_row": 3}]
    assert plan.details()["possible_duplicates"][0]["similar_name"].startswith("Josef Claes")
    legacy_import(digibank=bank, data=data, filename="x.csv")
    assert Visitor.objects.filter(digibank=bank).count() == 3


def test_rows_match_existing_visitors_and_typos_of_them_are_listed(bank):
    existing = VisitorFactory(
        digibank=bank, first_name="Maria", last_name="Peeters", birth_year=1951, postcode="3300"
    )
    data = to_csv(
        [
            HEADER,
            person("MARIA", " peeters", "1951", "3300"),
            person("Marie", "Peeters", "1951", "3300"),
        ]
    )
    summary = legacy_import(digibank=bank, data=data, filename="x.csv")
    assert summary["visitors_matched"] == 1
    assert summary["visitors_created"] == 1
    assert summary["possible_duplicates"] == [{"row": 3, "similar_visitor": existing.visitor_code}]
    assert existing.participations.count() == 1


def test_rows_without_name_and_birth_year_are_anonymous(bank):
    data = to_csv([HEADER, row(Hulpvraag="wifi instellen"), row(Postcode="3300")])
    summary = legacy_import(digibank=bank, data=data, filename="x.csv")
    assert summary["anonymous"] == 2 and summary["visitors_created"] == 0
    assert Participation.objects.filter(digibank=bank, visitor__isnull=True).count() == 2
    assert not Visitor.objects.filter(digibank=bank).exists()
    question = HelpQuestion.objects.get()
    assert question.categories.get().code == "device_setup"


# -- Broken files and rows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "leeg"),
        (b"\r\n\r\n", "x.csv", "leeg"),
        ("Tijdstempel;Voornaam".encode("utf-16"), "x.csv", "UTF-8"),
        (b"Tijdstempel;Voornaam;Achternaam\n\x81\x8d\x8f;x;y\n", "x.csv", "UTF-8"),
        (b"%PDF-1.4 binary", "x.pdf", "CSV- of Excel-bestand"),
        (b"\xd0\xcf\x11\xe0 old excel", "x.xls", ".xls"),
        (b"not a zip", "x.xlsx", "Excel"),
        (b"PK\x03\x04broken", "x.xlsx", "Excel"),
        (";".join(HEADER).encode(), "x.csv", "geen registraties"),
    ],
)
def test_broken_files_are_refused_with_a_clear_message(bank, data, filename, message):
    with pytest.raises(ImportFileError) as error:
        legacy_preview(digibank=bank, data=data, filename=filename)
    assert message in error.value.message


def test_a_missing_required_column_is_named(bank):
    header = [h for h in HEADER if h != "Dienstverlening"]
    with pytest.raises(ImportFileError) as error:
        legacy_preview(digibank=bank, data=to_csv([header, ["x"] * len(header)]), filename="x.csv")
    assert "Dienstverlening" in error.value.message


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (person("Oud", "Mens", "1850"), "Geboortejaar 1850"),
        (person("Jong", "Mens", "2030"), "Geboortejaar 2030"),
        (person("Geen", "Jaar", ""), "Geboortejaar is leeg"),
        (person("Raar", "Jaar", "19x0"), "vier cijfers"),
        (person("Ann", "Dienst", Dienstverlening="Koffieklets"), "Koffieklets"),
        (person("Ann", "Leeg", Dienstverlening=""), "Dienstverlening is leeg"),
        (person('=HYPERLINK("http://x")', "Peeters"), "formule"),
        (person("Jan", "@SUM(A1)"), "formule"),
        (person("Ann", "Post", postcode="33000"), "Postcode"),
        (person("Ann", "Geslacht", Geslacht="Kat"), "Kat"),
        (person("Ann", "Groep", Doelgroep="Astronaut"), "Astronaut"),
        (person("Ann", "Terug", **{"Eerder deelgenomen": "Misschien"}), "Misschien"),
        (row(Tijdstempel="31/02/2024"), "geen datum"),
        (row(Tijdstempel="gisteren"), "geen datum"),
        (row(Tijdstempel="01/01/2999 10:00"), "toekomst"),
        (row(Voornaam="Ann", Geboortejaar="1970"), "Achternaam is leeg"),
    ],
)
def test_bad_rows_are_rejected_with_row_number_and_reason(bank, bad_row, reason):
    data = to_csv([HEADER, person("Goed", "Mens"), bad_row])
    summary = legacy_preview(digibank=bank, data=data, filename="x.csv")
    assert len(summary["rejected"]) == 1
    assert summary["rejected"][0]["row"] == 3
    assert reason in summary["rejected"][0]["reason"]
    before = db_state()
    with pytest.raises(RegistrationError):
        legacy_import(digibank=bank, data=data, filename="x.csv", create_unknown=True)
    assert db_state() == before


def test_a_failure_half_way_leaves_the_database_unchanged(bank, monkeypatch):
    before = db_state()
    audit_before = AuditLogEntry.objects.count()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(HelpQuestion.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        legacy_import(digibank=bank, data=example_bytes(), filename="x.csv", create_unknown=True)
    assert db_state() == before
    assert AuditLogEntry.objects.count() == audit_before


def test_unknown_locations_and_referrers_must_be_chosen_in_the_browser_flow(bank):
    with pytest.raises(RegistrationError) as error:
        legacy_import(digibank=bank, data=example_bytes(), filename="x.csv")
    assert "'t Recupke Landen" in error.value.message or "maak ze aan" in error.value.message
    assert not Participation.objects.exists() and not Location.objects.exists()


def test_unknown_locations_and_referrers_can_be_mapped_to_existing_ones(bank):
    library = Location.objects.create(digibank=bank, name="Bib Tienen", slug="bib-tienen")
    ocmw = Organisation.objects.create(
        digibank=bank, name="OCMW", type=Organisation.Type.SOCIAL_SERVICES
    )
    data = to_csv(
        [
            HEADER,
            person(
                "Ann", "Smet", Locatie="Bibliotheek Tienen", **{"Doorverwezen door": "OCMW Tienen"}
            ),
            person("Bob", "Smet", Locatie="Nieuwe plek", **{"Doorverwezen door": "Buurthuis"}),
        ]
    )
    summary = legacy_import(
        digibank=bank,
        data=data,
        filename="x.csv",
        location_choices={"Bibliotheek Tienen": f"location:{library.pk}", "Nieuwe plek": "new"},
        referrer_choices={"OCMW Tienen": f"organisation:{ocmw.pk}", "Buurthuis": "channel:flyer"},
    )
    assert summary["created_locations"] == ["Nieuwe plek"]
    assert summary["created_referrers"] == []
    ann = Participation.objects.get(visitor__first_name="Ann")
    assert ann.location == library and ann.referrer_organisation == ocmw
    assert ann.referrer_channel == ReferrerChannel.OCMW
    bob = Participation.objects.get(visitor__first_name="Bob")
    assert bob.location.name == "Nieuwe plek"
    assert bob.referrer_organisation is None and bob.referrer_channel == "flyer"


def test_a_choice_pointing_at_another_digibank_is_refused(bank, other_digibank):
    foreign = Location.objects.create(digibank=other_digibank, name="Elders", slug="elders")
    data = to_csv([HEADER, person("Ann", "Smet", Locatie="Ergens")])
    with pytest.raises(RegistrationError):
        legacy_import(
            digibank=bank,
            data=data,
            filename="x.csv",
            location_choices={"Ergens": f"location:{foreign.pk}"},
        )
    assert not Participation.objects.exists()


def test_the_same_rows_as_xlsx_after_csv_create_nothing(bank):
    rows = example_rows()
    legacy_import(digibank=bank, data=to_csv(rows), filename="a.csv", create_unknown=True)
    again = legacy_import(digibank=bank, data=to_xlsx(rows), filename="a.xlsx", create_unknown=True)
    assert again["participations_created"] == 0 and again["visitors_created"] == 0
    assert Participation.objects.filter(digibank=bank).count() == 53
