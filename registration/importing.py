"""Legacy import: Google Forms exports and Excel sheets, one row per participation.

Two steps: `legacy_preview` reads the file and says what an import would do (a dry run, no
writes); `legacy_import` does it, all or nothing, in one transaction. The format is described
in `shared/data/LEGACY_FORMAT.md`.

Rules:
- rows with the same normalised first name, last name, birth year and postcode are one
  person, also matched against the digibank's existing visitors; near matches (one edit apart)
  are listed for review and never merged;
- rows without first name, last name and birth year are anonymous participations;
- every row gets an idempotency key (a hash of the digibank and the row's normalised content,
  plus its occurrence number for identical rows), stored in `Participation.idempotency_key`:
  importing the same file twice creates nothing the second time;
- the ledger is written with bulk operations: no query per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from digibank.audit import audit_log
from digibank.exceptions import DigibankError
from digibank.models import AuditLogEntry, Digibank, Location, Organisation
from digibank.uploads import CSV, XLSX, validate_upload
from registration.exceptions import RegistrationError
from registration.identity import edit_distance, fold, normalise_name
from registration.models import (
    ActivityKind,
    Education,
    Employment,
    FormOfService,
    Gender,
    HelpCategory,
    HelpQuestion,
    ImportBatch,
    Language,
    Outcome,
    Participation,
    ReferrerChannel,
    TargetGroup,
    TargetGroupAnswer,
    Visitor,
)
from registration.services import assign_visitor_code, visitor_refresh_identity

# The keys of the summary, in this order (documented in the README).
SUMMARY_KEYS = (
    "rows",
    "participations_created",
    "visitors_created",
    "visitors_matched",
    "anonymous",
    "possible_duplicates",
    "created_locations",
    "created_referrers",
    "rejected",
)


IMPORTED_VISITOR_FIELDS = [
    "birth_year",
    "education",
    "employment",
    "first_name",
    "gender",
    "language",
    "last_name",
    "postcode",
    "target_groups",
]


class ImportFileError(RegistrationError):
    """The file as a whole cannot be read: nothing is imported."""


# -- Columns and value lists -------------------------------------------------------------------

# normalised header -> field; the Dutch header as shown in messages.
COLUMNS = {
    "tijdstempel": "timestamp",
    "voornaam": "first_name",
    "achternaam": "last_name",
    "geboortejaar": "birth_year",
    "postcode": "postcode",
    "geslacht": "gender",
    "taal": "language",
    "scholing": "education",
    "statuut": "employment",
    "doelgroep": "target_groups",
    "doelgroepen": "target_groups",
    "dienstverlening": "form_of_service",
    "activiteit": "activity",
    "locatie": "location",
    "eerderdeelgenomen": "returning",
    "hulpvraag": "help_question",
    "doorverwezendoor": "referrer",
}
COLUMN_LABELS = {
    "timestamp": "Tijdstempel",
    "first_name": "Voornaam",
    "last_name": "Achternaam",
    "birth_year": "Geboortejaar",
    "postcode": "Postcode",
    "gender": "Geslacht",
    "language": "Taal",
    "education": "Scholing",
    "employment": "Statuut",
    "target_groups": "Doelgroep",
    "form_of_service": "Dienstverlening",
    "activity": "Activiteit",
    "location": "Locatie",
    "returning": "Eerder deelgenomen",
    "help_question": "Hulpvraag",
    "referrer": "Doorverwezen door",
}
# Without these columns the file is refused; the others may be missing (read as empty).
REQUIRED_COLUMNS = (
    "timestamp",
    "first_name",
    "last_name",
    "birth_year",
    "postcode",
    "form_of_service",
)


def _values(mapping: dict[str, str], codes: list[str]) -> dict[str, str]:
    """Keys normalised like names; the app's own codes are accepted too."""
    result = {normalise_name(key): value for key, value in mapping.items()}
    result.update({normalise_name(code): code for code in codes})
    return result


GENDERS = _values(
    {"Man": "male", "M": "male", "Vrouw": "female", "V": "female", "X": "x", "Onbekend": "unknown"},
    Gender.values,
)
LANGUAGES = _values(
    {"Nederlandstalig": "dutch", "Nederlands": "dutch", "Anderstalig": "other"},
    Language.values,
)
EDUCATIONS = _values(
    {
        "Lager secundair of minder": "isced_0_2",
        "Hoger secundair": "isced_3_4",
        "Hoger onderwijs": "isced_5_8",
        "Onbekend": "unknown",
    },
    Education.values,
)
EMPLOYMENTS = _values(
    {
        "Werkend": "employed",
        "Werkzoekend": "job_seeker",
        "Gepensioneerd": "retired",
        "Arbeidsongeschikt": "unable_to_work",
        "Student": "student",
        "Andere": "other",
        "Onbekend": "unknown",
    },
    Employment.values,
)
FORMS_OF_SERVICE = _values(
    {
        "Individuele begeleiding": "individual_support",
        "Vorming": "training",
        "Uitleen": "lending",
        "Computerruimte": "computer_room",
    },
    FormOfService.values,
)
RETURNING = {"ja": True, "nee": False, "yes": True, "no": False}
# Legacy target-group names -> the codes seeded by registration.hooks.
TARGET_GROUPS = {
    normalise_name(key): value
    for key, value in {
        "Laaggeletterd": "low_literate",
        "55-74 jaar": "age_55_74",
        "Laaggeschoold": "low_educated",
        "Werkzoekend": "job_seeker",
        "Laag inkomen": "low_income",
        "Anderstalig": "other_language",
        "Persoon met beperking": "disability",
        "Nieuwkomer": "newcomer",
        "75+": "age_75_plus",
    }.items()
}
# Referrer texts that name a channel rather than an organisation (exact, normalised).
REFERRER_CHANNELS = {
    normalise_name(key): value
    for key, value in {
        "flyer": ReferrerChannel.FLYER,
        "folder": ReferrerChannel.FLYER,
        "affiche": ReferrerChannel.FLYER,
        "website": ReferrerChannel.WEBSITE,
        "internet": ReferrerChannel.WEBSITE,
        "facebook": ReferrerChannel.WEBSITE,
        "sociale media": ReferrerChannel.WEBSITE,
        "mond-tot-mond": ReferrerChannel.WORD_OF_MOUTH,
        "mond aan mond": ReferrerChannel.WORD_OF_MOUTH,
        "familie": ReferrerChannel.WORD_OF_MOUTH,
        "vrienden": ReferrerChannel.WORD_OF_MOUTH,
        "buren": ReferrerChannel.WORD_OF_MOUTH,
        "bibliotheek": ReferrerChannel.LIBRARY,
        "bib": ReferrerChannel.LIBRARY,
        "ocmw": ReferrerChannel.OCMW,
        "vdab": ReferrerChannel.VDAB,
        "maatschappelijk werker": ReferrerChannel.SOCIAL_WORKER,
        "sociaal assistent": ReferrerChannel.SOCIAL_WORKER,
        "brief gemeente": ReferrerChannel.MUNICIPAL_LETTER,
        "brief van de gemeente": ReferrerChannel.MUNICIPAL_LETTER,
        "zelf": ReferrerChannel.SELF,
        "eigen initiatief": ReferrerChannel.SELF,
        "intern": ReferrerChannel.INTERNAL_REFERRAL,
        "onbekend": ReferrerChannel.UNKNOWN,
    }.items()
}
ORGANISATION_TYPE_CHANNEL = {
    Organisation.Type.SOCIAL_SERVICES: ReferrerChannel.OCMW,
    Organisation.Type.LIBRARY: ReferrerChannel.LIBRARY,
    Organisation.Type.VDAB: ReferrerChannel.VDAB,
}
# Help-question keywords (on the folded text), first match wins.
HELP_CATEGORY_KEYWORDS = (
    ("government_login", ("itsme", "csam", "burgerprofiel", "federaal token")),
    ("tax", ("myminfin", "minfin", "belasting", "aangifte", "tax on web")),
    ("government_mail", ("ebox", "doccle")),
    ("banking", ("bank", "belfius", "kbc", "argenta", "payconiq", "overschrijving")),
    ("safety", ("phishing", "gehackt", "hacked", "oplicht", "fraude", "virus")),
    ("health", ("ziekenfonds", "mutualiteit", "gezondheid")),
    ("email", ("mail",)),
    ("device_setup", ("qr", "smartphone", "gsm", "tablet", "wifi", "instellen")),
    ("vouchers", ("ecocheque", "maaltijdcheque", "pluxee", "edenred", "monizze")),
    ("job_search", ("vdab", "vacature", "solliciteren")),
)
CONCERNED_SERVICES = (
    ("itsme", "itsme"),
    ("myminfin", "MyMinfin"),
    ("ebox", "eBox"),
    ("doccle", "Doccle"),
    ("bank", "Bankapp"),
)
ACTIVITY_KINDS = (
    ("digicafe", ActivityKind.DIGICAFE),
    ("workshop", ActivityKind.WORKSHOP),
    ("infosessie", ActivityKind.INFO_SESSION),
    ("info sessie", ActivityKind.INFO_SESSION),
    ("digisessie", ActivityKind.INFO_SESSION),
    ("reeks", ActivityKind.COURSE_SERIES),
    ("cursus", ActivityKind.COURSE_SERIES),
    ("uitleen", ActivityKind.LOAN),
    ("computerruimte", ActivityKind.COMPUTER_ROOM),
    ("huisbezoek", ActivityKind.HOME_VISIT),
    ("aan huis", ActivityKind.HOME_VISIT),
    ("afspraak", ActivityKind.DIGIPUNT_APPOINTMENT),
    ("digipunt", ActivityKind.DIGIPUNT_WALK_IN),
)
DEFAULT_ACTIVITY_KIND = {
    FormOfService.INDIVIDUAL_SUPPORT: ActivityKind.DIGIPUNT_WALK_IN,
    FormOfService.LENDING: ActivityKind.LOAN,
    FormOfService.COMPUTER_ROOM: ActivityKind.COMPUTER_ROOM,
    FormOfService.TRAINING: ActivityKind.OTHER,
}

_DMY = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$"
)
_POSTCODE = re.compile(r"^[1-9]\d{3}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guess_activity_kind(activity: str, form_of_service: str) -> str:
    folded = fold(activity)
    for keyword, kind in ACTIVITY_KINDS:
        if keyword in folded:
            return kind
    return DEFAULT_ACTIVITY_KIND.get(form_of_service, ActivityKind.OTHER)


def guess_help_category(question: str) -> str:
    folded = fold(question)
    for code, keywords in HELP_CATEGORY_KEYWORDS:
        if any(keyword in folded for keyword in keywords):
            return code
    return "other"


def guess_concerned_service(question: str) -> str:
    folded = fold(question)
    return next((name for keyword, name in CONCERNED_SERVICES if keyword in folded), "")


def guess_organisation_type(name: str) -> str:
    folded = fold(name)
    if "ocmw" in folded or "sociaal huis" in folded or "welzijn" in folded:
        return Organisation.Type.SOCIAL_SERVICES
    if "bib" in folded:
        return Organisation.Type.LIBRARY
    if "vdab" in folded:
        return Organisation.Type.VDAB
    if "ligo" in folded or "cvo" in folded:
        return Organisation.Type.ADULT_EDUCATION
    if "gemeente" in folded or "stad " in folded:
        return Organisation.Type.MUNICIPALITY
    return Organisation.Type.OTHER


# -- Reading the file --------------------------------------------------------------------------


def _encoding_error() -> ImportFileError:
    return ImportFileError(
        _(
            "The file is not saved as UTF-8 or Windows-1252 text. In Excel, choose "
            "'Save as' > 'CSV UTF-8 (comma delimited)' and upload that file."
        )
    )


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:65536]:
        raise _encoding_error()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _encoding_error() from None


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(_("This is not a valid Excel file (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(data: bytes, filename: str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header (field -> column index) and the data rows (spreadsheet row number, cells)."""
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError(_("The file is empty."))
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        raw = _xlsx_rows(data)
    elif data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx or as CSV and try again.")
        )
    elif name.endswith(".xlsx"):
        raise ImportFileError(_("This is not a valid Excel file (.xlsx)."))
    elif name.endswith((".csv", ".txt")):
        raw = _csv_rows(data)
    else:
        raise ImportFileError(_("Choose a CSV or Excel file (.csv or .xlsx)."))
    numbered = [(i, row) for i, row in enumerate(raw, 1) if any(c.strip() for c in row)]
    if not numbered:
        raise ImportFileError(_("The file is empty."))
    _header_row, header = numbered[0]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = COLUMNS.get(normalise_name(title.replace("\ufeff", "")))
        if key and key not in columns:
            columns[key] = index
    missing = [COLUMN_LABELS[key] for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        raise ImportFileError(
            _("These columns are missing: %(columns)s. The first row must hold the column names.")
            % {"columns": ", ".join(missing)}
        )
    rows = numbered[1:]
    if not rows:
        raise ImportFileError(_("The file has column names but no registrations."))
    return columns, rows


# -- Parsing rows ------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    occurred_at: dt.datetime
    first_name: str
    last_name: str
    birth_year: int | None
    postcode: str
    gender: str
    language: str
    education: str
    employment: str
    target_groups: tuple[str, ...]
    form_of_service: str
    activity_name: str
    activity_kind: str
    location_text: str
    returning: bool | None
    help_question: str
    referrer_text: str
    identity: tuple[str, str, int, str] | None
    content: str = ""
    idempotency_key: str = ""


def _parse_timestamp(value: str, tz: dt.tzinfo) -> dt.datetime:
    value = value.strip()
    match = _DMY.match(value)
    if match:
        day, month, year, hour, minute, second = match.groups()
    else:
        match = _ISO.match(value)
        if not match:
            raise ValueError
        year, month, day, hour, minute, second = match.groups()
    naive = dt.datetime(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
    )
    return naive.replace(tzinfo=tz)


def _choice(value: str, mapping: dict[str, str], column: str, problems: list[str]) -> str:
    if not value.strip():
        return "unknown"
    found = mapping.get(normalise_name(value))
    if found is None:
        problems.append(
            _("unknown value '%(value)s' in column %(column)s")
            % {"value": value.strip()[:40], "column": COLUMN_LABELS[column]}
        )
        return "unknown"
    return found


def _looks_like_formula(value: str) -> bool:
    return value.startswith(_FORMULA_START) or any(c in value for c in "\t\r\n\x00")


class RowParser:
    """Turns the cells of one row into a `ParsedRow`, or the reasons it is refused."""

    def __init__(self, *, digibank: Digibank, columns: dict[str, int]):
        self.columns = columns
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()
        self.this_year = timezone.localdate().year
        self.target_groups = dict(TARGET_GROUPS)
        for code, name in TargetGroup.objects.filter(digibank=digibank, active=True).values_list(
            "code", "name"
        ):
            self.target_groups[normalise_name(code)] = code
            self.target_groups[normalise_name(name)] = code
        self.known_target_groups = set(
            TargetGroup.objects.filter(digibank=digibank, active=True).values_list(
                "code", flat=True
            )
        )

    def parse(self, number: int, cells: list[str]) -> tuple[ParsedRow | None, list[str]]:
        def cell(key: str) -> str:
            index = self.columns.get(key)
            if index is None or index >= len(cells):
                return ""
            return cells[index].strip()

        problems: list[str] = []
        occurred_at = None
        stamp = cell("timestamp")
        if not stamp:
            problems.append(_("Tijdstempel is empty"))
        else:
            try:
                occurred_at = _parse_timestamp(stamp, self.tz)
            except ValueError:
                problems.append(
                    _("Tijdstempel '%(value)s' is not a date (dd/mm/yyyy or yyyy-mm-dd)")
                    % {"value": stamp[:40]}
                )
            else:
                if occurred_at > self.now:
                    problems.append(_("Tijdstempel lies in the future"))
                elif occurred_at.year < 2000:
                    problems.append(_("Tijdstempel lies before 2000"))

        first_name = " ".join(cell("first_name").split())
        last_name = " ".join(cell("last_name").split())
        year_text = cell("birth_year")
        birth_year = None
        anonymous = not (first_name or last_name or year_text)
        if not anonymous:
            for value, column in ((first_name, "first_name"), (last_name, "last_name")):
                if not value:
                    problems.append(_("%(column)s is empty") % {"column": COLUMN_LABELS[column]})
                elif _looks_like_formula(value):
                    problems.append(
                        _("%(column)s looks like a formula, not a name")
                        % {"column": COLUMN_LABELS[column]}
                    )
                elif len(value) > 100:
                    problems.append(
                        _("%(column)s is longer than 100 characters")
                        % {"column": COLUMN_LABELS[column]}
                    )
            if not year_text:
                problems.append(_("Geboortejaar is empty"))
            elif not re.fullmatch(r"\d{4}", year_text):
                problems.append(
                    _("Geboortejaar '%(value)s' is not a year of four digits")
                    % {"value": year_text[:10]}
                )
            else:
                birth_year = int(year_text)
                latest = occurred_at.year if occurred_at else self.this_year
                if birth_year < 1900 or birth_year > min(latest, self.this_year):
                    problems.append(
                        _("Geboortejaar %(year)s is not possible (1900 to %(latest)s)")
                        % {"year": birth_year, "latest": min(latest, self.this_year)}
                    )

        postcode = cell("postcode") if not anonymous else ""
        if postcode and not _POSTCODE.match(postcode):
            problems.append(
                _("Postcode '%(value)s' is not a Belgian postcode of four digits")
                % {"value": postcode[:10]}
            )

        form_text = cell("form_of_service")
        form_of_service = FORMS_OF_SERVICE.get(normalise_name(form_text))
        if not form_text:
            problems.append(_("Dienstverlening is empty"))
        elif form_of_service is None:
            problems.append(
                _(
                    "unknown form of service '%(value)s' (use Individuele begeleiding, Vorming, "
                    "Uitleen or Computerruimte)"
                )
                % {"value": form_text[:40]}
            )

        gender = language = education = employment = "unknown"
        target_groups: tuple[str, ...] = ()
        if not anonymous:
            gender = _choice(cell("gender"), GENDERS, "gender", problems)
            language = _choice(cell("language"), LANGUAGES, "language", problems)
            education = _choice(cell("education"), EDUCATIONS, "education", problems)
            employment = _choice(cell("employment"), EMPLOYMENTS, "employment", problems)
            groups = []
            for part in cell("target_groups").replace(";", ",").split(","):
                if not part.strip():
                    continue
                code = self.target_groups.get(normalise_name(part))
                if code is None or code not in self.known_target_groups:
                    problems.append(
                        _("unknown target group '%(value)s'") % {"value": part.strip()[:40]}
                    )
                else:
                    groups.append(code)
            target_groups = tuple(sorted(set(groups)))

        returning_text = cell("returning")
        returning = None
        if returning_text:
            returning = RETURNING.get(normalise_name(returning_text))
            if returning is None:
                problems.append(
                    _("Eerder deelgenomen must be Ja, Nee or empty, not '%(value)s'")
                    % {"value": returning_text[:20]}
                )

        activity = cell("activity")[:150]
        help_question = cell("help_question")[:500]
        if problems:
            return None, problems
        assert occurred_at is not None and form_of_service is not None
        identity = (
            None
            if anonymous
            else (normalise_name(first_name), normalise_name(last_name), birth_year, postcode)
        )
        parsed = ParsedRow(
            row=number,
            occurred_at=occurred_at,
            first_name=first_name,
            last_name=last_name,
            birth_year=birth_year,
            postcode=postcode,
            gender=gender,
            language=language,
            education=education,
            employment=employment,
            target_groups=target_groups,
            form_of_service=form_of_service,
            activity_name=activity,
            activity_kind=guess_activity_kind(activity, form_of_service),
            location_text=" ".join(cell("location").split())[:150],
            returning=returning,
            help_question=help_question,
            referrer_text=" ".join(cell("referrer").split())[:150],
            identity=identity,
        )
        parsed.content = "|".join(
            str(part)
            for part in (
                occurred_at.astimezone(dt.UTC).isoformat(),
                *(identity or ("", "", "", "")),
                form_of_service,
                fold(activity),
                fold(parsed.location_text),
                fold(help_question),
                fold(parsed.referrer_text),
                returning,
                gender,
                language,
                education,
                employment,
                ",".join(target_groups),
            )
        )
        return parsed, []


# -- The plan: what an import would do ---------------------------------------------------------


@dataclass
class Plan:
    digibank: Digibank
    rows: int = 0
    parsed: list[ParsedRow] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    already_imported: set[str] = field(default_factory=set)
    # folded text -> id, for what is already known
    locations: dict[str, int] = field(default_factory=dict)
    organisations: dict[str, tuple[int, str]] = field(default_factory=dict)
    # folded text -> the text as first seen, for what is not
    unknown_locations: dict[str, str] = field(default_factory=dict)
    unknown_referrers: dict[str, str] = field(default_factory=dict)
    existing_visitors: dict[tuple, tuple[int, str]] = field(default_factory=dict)
    possible_duplicates: list[dict] = field(default_factory=list)

    @property
    def to_create(self) -> list[ParsedRow]:
        return [r for r in self.parsed if r.idempotency_key not in self.already_imported]

    def summary(self) -> dict:
        rows = self.to_create
        new_identities = {
            r.identity for r in rows if r.identity and r.identity not in self.existing_visitors
        }
        matched = {
            self.existing_visitors[r.identity][0]
            for r in self.parsed
            if r.identity and r.identity in self.existing_visitors
        }
        return {
            "rows": self.rows,
            "participations_created": len(rows),
            "visitors_created": len(new_identities),
            "visitors_matched": len(matched),
            "anonymous": sum(1 for r in rows if r.identity is None),
            "possible_duplicates": [
                {k: v for k, v in item.items() if not k.endswith("name")}
                for item in self.possible_duplicates
            ],
            "created_locations": sorted(self.unknown_locations.values()),
            "created_referrers": sorted(self.unknown_referrers.values()),
            "rejected": self.rejected,
        }

    def details(self) -> dict:
        """More than the summary, for the preview page of the coordinator."""
        return {
            **self.summary(),
            "already_imported": sum(
                1 for r in self.parsed if r.idempotency_key in self.already_imported
            ),
            "possible_duplicates": self.possible_duplicates,
            "unknown_locations": sorted(self.unknown_locations.values()),
            "unknown_referrers": sorted(self.unknown_referrers.values()),
            "help_questions": sum(
                1
                for r in self.to_create
                if r.help_question and r.form_of_service == FormOfService.INDIVIDUAL_SUPPORT
            ),
        }


def _idempotency_key(digibank_id: int, content: str, occurrence: int) -> str:
    raw = f"legacy|{digibank_id}|{content}|{occurrence}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _near_duplicates(plan: Plan) -> list[dict]:
    """Identities one edit apart (name or postcode) with the same birth year, never equal.

    Candidates are found with a deletion neighbourhood (every string with one character
    removed), so the work grows with the number of people, not its square."""
    first_rows: dict[tuple, ParsedRow] = {}
    for row in plan.parsed:
        if row.identity and row.identity not in first_rows:
            first_rows[row.identity] = row
    new = [i for i in first_rows if i not in plan.existing_visitors]
    if not new:
        return []

    def text(identity: tuple) -> str:
        return f"{identity[0]}|{identity[1]}|{identity[3]}"

    index: dict[tuple, set[tuple]] = defaultdict(set)
    everyone = list(first_rows) + [i for i in plan.existing_visitors if i not in first_rows]
    for identity in everyone:
        value = text(identity)
        index[(identity[2], value)].add(identity)
        for position in range(len(value)):
            index[(identity[2], value[:position] + value[position + 1 :])].add(identity)
    pairs: set[frozenset] = set()
    found = []
    for identity in new:
        value = text(identity)
        keys = [(identity[2], value)] + [
            (identity[2], value[:p] + value[p + 1 :]) for p in range(len(value))
        ]
        for key in keys:
            for other in index.get(key, ()):
                if other == identity or frozenset((identity, other)) in pairs:
                    continue
                if edit_distance(value, text(other), limit=1) != 1:
                    continue
                pairs.add(frozenset((identity, other)))
                row = first_rows[identity]
                item = {
                    "row": row.row,
                    "name": f"{row.first_name} {row.last_name} ({row.birth_year}, "
                    f"{row.postcode or '?'})",
                }
                if other not in plan.existing_visitors:
                    similar = first_rows[other]
                    item["similar_row"] = similar.row
                    item["similar_name"] = (
                        f"{similar.first_name} {similar.last_name} ({similar.birth_year}, "
                        f"{similar.postcode or '?'})"
                    )
                else:
                    _visitor_id, code = plan.existing_visitors[other]
                    item["similar_visitor"] = code
                found.append(item)
    return sorted(found, key=lambda item: item["row"])


def legacy_plan(*, digibank: Digibank, data: bytes, filename: str) -> Plan:
    """Read and check the file and compare it with the database. Writes nothing."""
    columns, rows = read_table(data, filename)
    parser = RowParser(digibank=digibank, columns=columns)
    plan = Plan(digibank=digibank, rows=len(rows))
    occurrences: Counter = Counter()
    for number, cells in rows:
        parsed, problems = parser.parse(number, cells)
        if parsed is None:
            plan.rejected.append({"row": number, "reason": "; ".join(problems)})
            continue
        occurrences[parsed.content] += 1
        parsed.idempotency_key = _idempotency_key(
            digibank.pk, parsed.content, occurrences[parsed.content]
        )
        plan.parsed.append(parsed)

    keys = [r.idempotency_key for r in plan.parsed]
    for start in range(0, len(keys), 5000):
        plan.already_imported.update(
            Participation.objects.filter(
                digibank=digibank, idempotency_key__in=keys[start : start + 5000]
            ).values_list("idempotency_key", flat=True)
        )

    for location in Location.objects.filter(digibank=digibank).values("id", "name", "slug"):
        plan.locations.setdefault(fold(location["name"]), location["id"])
        plan.locations.setdefault(fold(location["slug"]), location["id"])
    for organisation in Organisation.objects.filter(digibank=digibank).values("id", "type", "name"):
        plan.organisations.setdefault(
            fold(organisation["name"]), (organisation["id"], organisation["type"])
        )
    for row in plan.to_create:
        if row.location_text and fold(row.location_text) not in plan.locations:
            plan.unknown_locations.setdefault(fold(row.location_text), row.location_text)
        folded = fold(row.referrer_text)
        if (
            folded
            and folded not in plan.organisations
            and normalise_name(row.referrer_text) not in REFERRER_CHANNELS
        ):
            plan.unknown_referrers.setdefault(folded, row.referrer_text)

    years = {r.identity[2] for r in plan.parsed if r.identity}
    if years:
        existing = (
            Visitor.objects.filter(
                digibank=digibank,
                birth_year__in=years,
                merged_into__isnull=True,
                anonymised_at__isnull=True,
                erased_at__isnull=True,
            )
            .order_by("-id")
            .values_list("id", "norm_first_name", "norm_last_name", "birth_year", "postcode")
        )
        codes = {}
        for visitor_id, first, last, year, postcode in existing:
            codes[(first, last, year, postcode)] = visitor_id
        code_of = dict(
            Visitor.objects.filter(pk__in=codes.values()).values_list("id", "visitor_code")
        )
        plan.existing_visitors = {
            identity: (visitor_id, code_of[visitor_id]) for identity, visitor_id in codes.items()
        }
    plan.possible_duplicates = _near_duplicates(plan)
    return plan


def legacy_preview(*, digibank: Digibank, data: bytes, filename: str) -> dict:
    """The dry run: the summary (see `SUMMARY_KEYS`) of what an import would do."""
    return legacy_plan(digibank=digibank, data=data, filename=filename).summary()


# -- The import --------------------------------------------------------------------------------


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70] or "locatie"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _resolve_choices(
    plan: Plan,
    *,
    actor: Any,
    location_choices: dict[str, str] | None,
    referrer_choices: dict[str, str] | None,
    create_unknown: bool,
) -> tuple[dict[str, int], dict[str, tuple[int | None, str]], list[str], list[str]]:
    """Create or map every unknown location and referrer; returns the maps and what was
    created. A choice is "new", "location:<id>", "organisation:<id>" or "channel:<code>"."""
    digibank = plan.digibank
    location_choices = {fold(k): v for k, v in (location_choices or {}).items()}
    referrer_choices = {fold(k): v for k, v in (referrer_choices or {}).items()}
    locations = dict(plan.locations)
    referrers: dict[str, tuple[int | None, str]] = {
        folded: (org_id, ORGANISATION_TYPE_CHANNEL.get(org_type, ReferrerChannel.UNKNOWN))
        for folded, (org_id, org_type) in plan.organisations.items()
    }
    created_locations: list[str] = []
    created_referrers: list[str] = []
    own_locations = set(Location.objects.filter(digibank=digibank).values_list("id", flat=True))
    own_organisations = dict(
        Organisation.objects.filter(digibank=digibank).values_list("id", "type")
    )
    taken_slugs = set(Location.objects.filter(digibank=digibank).values_list("slug", flat=True))

    for folded, text in sorted(plan.unknown_locations.items()):
        choice = location_choices.get(folded) or ("new" if create_unknown else "")
        if choice == "new":
            location = Location.objects.create(
                digibank=digibank, name=text, slug=_unique_slug(text, taken_slugs)
            )
            audit_log(actor=actor, action="digibank.location.created", obj=location)
            locations[folded] = location.pk
            created_locations.append(text)
        elif choice.startswith("location:") and choice[9:].isdigit():
            if int(choice[9:]) not in own_locations:
                raise RegistrationError(_("This record belongs to another digibank."))
            locations[folded] = int(choice[9:])
        else:
            raise RegistrationError(
                _("Choose for location '%(name)s': create it or map it to an existing one.")
                % {"name": text}
            )
    for folded, text in sorted(plan.unknown_referrers.items()):
        choice = referrer_choices.get(folded) or ("new" if create_unknown else "")
        if choice == "new":
            organisation = Organisation.objects.create(
                digibank=digibank, name=text, type=guess_organisation_type(text), is_referrer=True
            )
            audit_log(actor=actor, action="digibank.organisation.created", obj=organisation)
            referrers[folded] = (
                organisation.pk,
                ORGANISATION_TYPE_CHANNEL.get(organisation.type, ReferrerChannel.UNKNOWN),
            )
            created_referrers.append(text)
        elif choice.startswith("organisation:") and choice[13:].isdigit():
            org_id = int(choice[13:])
            if org_id not in own_organisations:
                raise RegistrationError(_("This record belongs to another digibank."))
            referrers[folded] = (
                org_id,
                ORGANISATION_TYPE_CHANNEL.get(own_organisations[org_id], ReferrerChannel.UNKNOWN),
            )
        elif choice.startswith("channel:") and choice[8:] in ReferrerChannel.values:
            referrers[folded] = (None, choice[8:])
        else:
            raise RegistrationError(
                _("Choose for referrer '%(name)s': create it or map it to an existing one.")
                % {"name": text}
            )
    return locations, referrers, created_locations, created_referrers


def _new_visitor(plan: Plan, rows: list[ParsedRow], actor: Any, codes: set[str]) -> Visitor:
    """One new visitor from all the rows of one person; the latest filled-in value wins
    (for the names: the most frequent spelling)."""
    latest_first = sorted(rows, key=lambda r: r.occurred_at, reverse=True)
    first = latest_first[0]

    def latest(attribute: str) -> str:
        return next(
            (getattr(r, attribute) for r in latest_first if getattr(r, attribute) != "unknown"),
            "unknown",
        )

    def spelling(attribute: str) -> str:
        # The most frequent spelling of the name; on a tie the latest one.
        counts = Counter(getattr(r, attribute) for r in latest_first)
        return max(latest_first, key=lambda r: counts[getattr(r, attribute)]).__dict__[attribute]

    visitor = Visitor(
        digibank=plan.digibank,
        first_name=spelling("first_name"),
        last_name=spelling("last_name"),
        birth_year=first.birth_year,
        postcode=first.postcode,
        gender=latest("gender"),
        language=latest("language"),
        education=latest("education"),
        employment=latest("employment"),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    groups = next((r.target_groups for r in latest_first if r.target_groups), ())
    visitor._import_target_groups = groups  # type: ignore[attr-defined]
    visitor.target_groups_answer = TargetGroupAnswer.GIVEN if groups else TargetGroupAnswer.UNKNOWN
    assign_visitor_code(visitor)
    while visitor.visitor_code in codes:  # unsaved visitors of this batch are not in the DB yet
        assign_visitor_code(visitor)
    codes.add(visitor.visitor_code)
    visitor_refresh_identity(visitor)
    return visitor


def legacy_import(
    *,
    digibank: Digibank,
    data: bytes,
    filename: str,
    actor: Any = None,
    location_choices: dict[str, str] | None = None,
    referrer_choices: dict[str, str] | None = None,
    create_unknown: bool = False,
) -> dict:
    """Import the file, all or nothing, in one transaction. Refused if any row is rejected.

    Unknown locations and referrers are created or mapped as `*_choices` say (keys are the
    texts of the file); `create_unknown` creates all of them (the command line)."""
    with transaction.atomic():
        # One import per digibank at a time: a second one waits and then finds the rows done.
        Digibank.objects.select_for_update().filter(pk=digibank.pk).first()
        plan = legacy_plan(digibank=digibank, data=data, filename=filename)
        if plan.rejected:
            raise RegistrationError(
                _(
                    "%(count)s rows cannot be read. Nothing has been imported: correct the file "
                    "and try again."
                )
                % {"count": len(plan.rejected)}
            )
        summary = plan.summary()
        locations, referrers, created_locations, created_referrers = _resolve_choices(
            plan,
            actor=actor,
            location_choices=location_choices,
            referrer_choices=referrer_choices,
            create_unknown=create_unknown,
        )
        rows = plan.to_create
        registered_by = actor if getattr(actor, "is_authenticated", False) else None

        by_identity: dict[tuple, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            if row.identity and row.identity not in plan.existing_visitors:
                by_identity[row.identity].append(row)
        codes: set[str] = set()
        new_visitors = {
            identity: _new_visitor(plan, identity_rows, actor, codes)
            for identity, identity_rows in by_identity.items()
        }
        Visitor.objects.bulk_create(new_visitors.values(), batch_size=1000)
        target_groups = dict(
            TargetGroup.objects.filter(digibank=digibank).values_list("code", "id")
        )
        Through = Visitor.target_groups.through
        Through.objects.bulk_create(
            [
                Through(visitor_id=visitor.pk, targetgroup_id=target_groups[code])
                for visitor in new_visitors.values()
                for code in visitor._import_target_groups  # type: ignore[attr-defined]
            ],
            batch_size=2000,
        )
        visitor_type = ContentType.objects.get_for_model(Visitor)
        AuditLogEntry.objects.bulk_create(
            [
                AuditLogEntry(
                    digibank=digibank,
                    actor=registered_by,
                    action="registration.visitor.imported",
                    content_type=visitor_type,
                    object_id=str(visitor.pk),
                    object_repr=f"#{visitor.visitor_code}",
                    changed_fields=IMPORTED_VISITOR_FIELDS,
                )
                for visitor in new_visitors.values()
            ],
            batch_size=2000,
        )

        visitor_ids = {identity: v.pk for identity, v in new_visitors.items()}
        visitor_ids.update({i: vid for i, (vid, _code) in plan.existing_visitors.items()})
        participations = []
        for row in rows:
            organisation_id, channel = (None, ReferrerChannel.UNKNOWN)
            if row.referrer_text:
                folded = fold(row.referrer_text)
                if folded in referrers:
                    organisation_id, channel = referrers[folded]
                else:
                    channel = REFERRER_CHANNELS[normalise_name(row.referrer_text)]
            participations.append(
                Participation(
                    digibank=digibank,
                    visitor_id=visitor_ids[row.identity] if row.identity else None,
                    location_id=locations.get(fold(row.location_text)),
                    occurred_at=row.occurred_at,
                    occurred_on=timezone.localtime(row.occurred_at).date(),
                    form_of_service=row.form_of_service,
                    activity_kind=row.activity_kind,
                    activity_name=row.activity_name,
                    referrer_organisation_id=organisation_id,
                    referrer_channel=channel,
                    reported_returning=row.returning,
                    registered_by=registered_by,
                    idempotency_key=row.idempotency_key,
                )
            )
        Participation.objects.bulk_create(participations, batch_size=2000)

        categories = dict(HelpCategory.objects.values_list("code", "id"))
        questions = []
        question_categories = []
        for row, participation in zip(rows, participations, strict=True):
            if row.help_question and row.form_of_service == FormOfService.INDIVIDUAL_SUPPORT:
                service = guess_concerned_service(row.help_question)
                questions.append(
                    HelpQuestion(
                        participation_id=participation.pk,
                        concerned_service=service,
                        concerned_service_key=fold(service),
                        outcome=Outcome.UNKNOWN,
                        note=row.help_question,
                    )
                )
                question_categories.append(
                    categories.get(guess_help_category(row.help_question), categories.get("other"))
                )
        HelpQuestion.objects.bulk_create(questions, batch_size=2000)
        CategoryThrough = HelpQuestion.categories.through
        CategoryThrough.objects.bulk_create(
            [
                CategoryThrough(helpquestion_id=question.pk, helpcategory_id=category_id)
                for question, category_id in zip(questions, question_categories, strict=True)
                if category_id is not None
            ],
            batch_size=2000,
        )
        summary["created_locations"] = sorted(created_locations)
        summary["created_referrers"] = sorted(created_referrers)
        audit_log(
            actor=actor,
            action="registration.import.completed",
            digibank=digibank,
            object_repr=filename[:200],
            data={k: v for k, v in summary.items() if isinstance(v, int)},
        )
    return summary


# -- The two steps in the browser --------------------------------------------------------------


def import_batch_upload(*, digibank: Digibank, actor: Any, uploaded_file: Any) -> ImportBatch:
    """Step 1: check the upload, keep the file (not on the web) and store the dry-run preview."""
    if uploaded_file.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {
                "size": round(uploaded_file.size / 1_048_576, 1),
                "limit": round(settings.IMPORT_MAX_UPLOAD_BYTES / 1_048_576, 1),
            },
            field="file",
        )
    try:  # The one upload check: known extension, content that matches it, not empty.
        validate_upload(
            uploaded_file, kinds=[XLSX, CSV], max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES
        )
    except DigibankError as error:
        raise ImportFileError(error.message, field="file") from None
    data = uploaded_file.read()
    plan = legacy_plan(digibank=digibank, data=data, filename=uploaded_file.name)
    with transaction.atomic():
        batch = ImportBatch(
            digibank=digibank,
            original_name=uploaded_file.name[:255],
            size=len(data),
            preview=plan.details(),
            uploaded_by=actor,
        )
        from django.core.files.base import ContentFile

        batch.file.save(uploaded_file.name, ContentFile(data), save=False)
        batch.save()
        audit_log(actor=actor, action="registration.import.previewed", obj=batch)
    return batch


def import_batch_confirm(
    *,
    batch: ImportBatch,
    actor: Any,
    location_choices: dict[str, str],
    referrer_choices: dict[str, str],
) -> dict:
    """Step 2: import the kept file, all or nothing; then remove the file."""
    if batch.status == ImportBatch.Status.IMPORTED or not batch.file:
        raise RegistrationError(_("This file has already been imported."))
    with batch.file.open("rb") as handle:
        data = handle.read()
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == ImportBatch.Status.IMPORTED:
            raise RegistrationError(_("This file has already been imported."))
        summary = legacy_import(
            digibank=batch.digibank,
            data=data,
            filename=batch.original_name,
            actor=actor,
            location_choices=location_choices,
            referrer_choices=referrer_choices,
        )
        locked.status = ImportBatch.Status.IMPORTED
        locked.result = summary
        locked.preview = {}  # the preview held names for the review; not kept
        locked.imported_at = timezone.now()
        locked.imported_by = actor
        name = locked.file.name
        locked.file = ""
        locked.save()
        storage = batch.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    batch.refresh_from_db()
    return summary


def import_batch_discard(*, batch: ImportBatch, actor: Any) -> None:
    """Throw away an upload that will not be imported (file and preview)."""
    with transaction.atomic():
        audit_log(actor=actor, action="registration.import.discarded", obj=batch)
        if batch.file:
            storage, name = batch.file.storage, batch.file.name
            transaction.on_commit(lambda: storage.delete(name))
        batch.delete()
