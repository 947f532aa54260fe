"""Department staff never reach a page or file with names, e-mail, phone or birth dates.

The test discovers the URLs itself: it walks the project's URL resolver, so pages added
later by any app are covered. Path arguments are filled with ids, slugs, codes and tokens of
real objects (from the demo data of every app plus visitors with distinctive personal data),
and each page is fetched as department staff. Files (CSV, XLSX/ZIP, PDF streams) are opened
and searched too."""

from __future__ import annotations

import io
import itertools
import re
import uuid
import zipfile
import zlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from digibank.audit import audit_log
from digibank.models import Digibank, Invitation, Role
from registration.importing import legacy_import
from registration.models import HelpCategory, HelpQuestion, ImportBatch, Visitor
from tests.access import client_for
from tests.factories import make_member
from tests.importprivacy.conftest import HEADER, person, to_csv
from tests.registration_factories import ParticipationFactory, VisitorFactory

BIRTH_DATES = ("12/03/1961", "12-03-1961", "1961-03-12", "12.03.1961")
_ROUTE_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
# An object-level 403 is possible; after this many refusals the view is role-gated for sure.
REFUSALS_BEFORE_GIVING_UP = 3
# At most this many fillings of one route (enough to hit every kind of object).
FILLINGS_PER_ROUTE = 40


def url_patterns(resolver=None, prefix: str = ""):
    """(route with <converter:name> placeholders, pattern) for every URL of the project."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        segment = _route(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, prefix + segment)
        elif isinstance(entry, URLPattern):
            yield prefix + segment, entry


def _route(pattern) -> str:
    text = str(pattern)
    if hasattr(pattern, "_route"):
        return text
    # A regex: keep named groups as <str:name>, drop anchors.
    text = text.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    text = _NAMED_GROUP.sub(lambda m: f"<str:{m.group('name')}>", text)
    return text.replace("\\", "")


def personal_strings() -> set[str]:
    values = set(BIRTH_DATES)
    for first, last, email, phone in Visitor.objects.values_list(
        "first_name", "last_name", "email", "phone"
    ):
        if first and last and first != "Anoniem":
            values.add(f"{first} {last}")
            values.add(f"{last} {first}")
            values.add(f"{last}, {first}")
        if email:
            values.add(email)
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) >= 8:
            values.add(phone)
            values.add(digits)
    return {v.casefold() for v in values}


def candidates() -> dict[str, list[str]]:
    """Values for path arguments, by converter: ids of real objects of every model, etc."""
    ints: set[int] = set()
    for model in apps.get_models():
        if not isinstance(model._meta.pk, models.AutoField | models.BigAutoField):
            continue
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True)[:3])
        pks += list(model.objects.order_by("-pk").values_list("pk", flat=True)[:3])
        ints.update(pks)
    words = {"x"}
    words.update(Digibank.objects.values_list("slug", flat=True))
    words.update(Visitor.objects.values_list("visitor_code", flat=True)[:5])
    words.update(Invitation.objects.values_list("token", flat=True)[:3])
    return {
        "int": [str(i) for i in sorted(ints)],
        "str": sorted(words),
        "slug": sorted(w for w in words if re.fullmatch(r"[-\w]+", w)),
        "path": sorted(words),
        "uuid": [str(uuid.uuid4())],
    }


def fillings(route: str, values: dict[str, list[str]]):
    args = list(_ROUTE_ARG.finditer(route))
    if not args:
        yield route
        return
    options = [values.get(m.group("converter") or "str", values["str"]) for m in args]
    if len(args) > 1:  # keep the walk small: the same position in every list
        longest = max(len(o) for o in options)
        combos = [tuple(o[i % len(o)] for o in options) for i in range(longest)]
    else:
        combos = list(itertools.product(*options))
    for combo in combos:
        url = route
        for match, value in zip(args, combo, strict=True):
            url = url.replace(match.group(0), value, 1)
        yield url


def body_text(response) -> str:
    content = (
        b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    )
    parts = [content]
    if content[:4] == b"PK\x03\x04":  # xlsx, docx, zip
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts += [archive.read(name) for name in archive.namelist()]
    if content[:5] == b"%PDF-":
        for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
            try:
                parts.append(zlib.decompress(stream))
            except zlib.error:
                continue
    text = []
    for part in parts:
        for encoding in ("utf-8", "utf-16", "cp1252"):
            try:
                text.append(part.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
    import html

    return html.unescape("\n".join(text)).casefold()


@pytest.fixture
def world(bank, tmp_path):
    """Demo data of every app, and visitors with distinctive personal data."""
    call_command("seed_demo", stdout=io.StringIO())
    coordinator = make_member(Role.COORDINATOR, bank, name="Cas Coördinator")
    zeb = VisitorFactory(
        digibank=bank,
        first_name="Zebedeus",
        last_name="Quixotevski",
        email="zebedeus.quixotevski@voorbeeld.be",
        phone="0499 12 34 56",
        birth_year=1961,
    )
    participation = ParticipationFactory(visitor=zeb)
    question = HelpQuestion.objects.create(
        participation=participation, note="Geboren 12/03/1961, itsme geblokkeerd"
    )
    question.categories.set([HelpCategory.objects.get(code="government_login")])
    audit_log(actor=coordinator, action="registration.visitor.viewed", obj=zeb)
    legacy_import(
        digibank=bank,
        data=to_csv([HEADER, person("Philomena", "Wuytsbergh", "1948", "3300", Locatie="Bib")]),
        filename="oud.csv",
        actor=coordinator,
        create_unknown=True,
    )
    batch = ImportBatch.objects.create(
        digibank=bank,
        original_name="oud.csv",
        preview={"possible_duplicates": [{"row": 2, "name": "Zebedeus Quixotevski"}]},
        uploaded_by=coordinator,
    )
    return {"visitor": zeb, "batch": batch, "coordinator": coordinator}


QUERY_VARIANTS = ("", "?format=csv", "?format=xlsx", "?kind=visitors&file_format=csv", "?q=Zeb")


def test_department_staff_never_see_personal_data(world, department_user):
    secrets = personal_strings()
    assert "zebedeus quixotevski" in secrets and "philomena wuytsbergh" in secrets
    values = candidates()
    walked, leaks, reached = [], [], []
    client = client_for(department_user)
    for route, _pattern in url_patterns():
        refusals = 0
        for url in itertools.islice(fillings(route, values), FILLINGS_PER_ROUTE):
            variants = QUERY_VARIANTS if "<" not in route else ("",)
            for query in variants:
                full = "/" + url + query
                response = client.get(full)
                walked.append(full)
                if response.status_code == 200:
                    reached.append(full)
                    text = body_text(response)
                    leaks += [(full, s) for s in secrets if s in text]
            if response.status_code in (302, 403):
                refusals += 1
                if refusals >= REFUSALS_BEFORE_GIVING_UP:
                    break
    assert not leaks, f"personal data shown to department staff: {leaks[:10]}"
    # The walk really covered the project (guards against a walker that finds nothing).
    assert "/" in reached
    assert any(url.startswith("/bezoekers/export/") for url in walked)
    assert any(url.startswith("/bezoekers/inlezen/") for url in walked)
    assert len(walked) > 40


def test_the_detector_finds_personal_data_where_it_is(world, bank):
    """The same check, as a coordinator on the visitor export: it must find the data."""
    client = client_for(world["coordinator"])
    secrets = personal_strings()
    response = client.get("/bezoekers/export/?kind=visitors&file_format=xlsx")
    text = body_text(response)
    assert "zebedeus.quixotevski@voorbeeld.be" in text
    assert "0499 12 34 56" in text
    retention = client.get("/bezoekers/bewaartermijn/")
    assert retention.status_code == 200
    assert any(
        s in body_text(client.get(f"/bezoekers/inlezen/{world['batch'].pk}/")) for s in secrets
    )
