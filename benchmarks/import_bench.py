"""Benchmark: preview and import of a 20 000-row legacy file on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/digibank_bench_import \\
        python benchmarks/import_bench.py [--rows 20000]

Uses its own database (created if missing, migrated, emptied of the bench digibank first).
The goal (issue 4): preview within 30 s, import within 60 s. Prints the figures and exits
non-zero if a goal is missed. A second import of the same file must create nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digibank_bench_import")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")

HEADER = [
    "Tijdstempel", "Voornaam", "Achternaam", "Geboortejaar", "Postcode", "Geslacht", "Taal",
    "Scholing", "Statuut", "Doelgroep", "Dienstverlening", "Activiteit", "Locatie",
    "Eerder deelgenomen", "Hulpvraag", "Doorverwezen door",
]  # fmt: skip
FIRST = [
    "Maria", "Jozef", "Ayşe", "Mohamed", "Fatima", "Hélène", "Godelieve", "Koen", "Rik", "Samira",
    "Jan", "An", "Els", "Luc", "Marc", "Rita", "Nadia", "Youssef", "Olga", "Piotr", "Irina",
    "Wim", "Greet", "Frans", "Josée", "Karim", "Leen", "Tom", "Sofie", "Mehmet",
]  # fmt: skip
LAST = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Van den Broeck", "El Amrani", "Yilmaz",
    "Benali", "Bakkali", "Vermeulen", "Hermans", "Aerts", "Van Damme", "Michiels", "Desmet",
    "Kowalski", "Nowak", "D'Hondt", "Verstraete", "Smets", "Coppens", "Lemmens",
]  # fmt: skip
SERVICES = [
    ("Individuele begeleiding", "Digipunt bib Tienen"),
    ("Individuele begeleiding", "Mobiel digipunt markt"),
    ("Vorming", "Workshop itsme"),
    ("Vorming", "Digicafé"),
    ("Vorming", "Infosessie phishing"),
    ("Uitleen", "Uitleen laptop"),
    ("Computerruimte", "Computerruimte bib"),
]
LOCATIONS = ["Bibliotheek Tienen", "'t Recupke Landen", "Markt Tienen", "Sociaal Huis Tienen"]
QUESTIONS = ["eBox activeren", "itsme installeren", "bankapp werkt niet", "mailbox opkuisen",
             "QR-code scannen", "phishing sms gekregen", "MyMinfin aangifte", ""]  # fmt: skip
REFERRERS = ["flyer", "website", "mond-tot-mond", "OCMW Tienen", "VDAB", "Bibliotheek", ""]
GROUPS = ["55-74 jaar", "Laag inkomen", "Anderstalig", "Werkzoekend", "Laaggeletterd", "75+"]


def variant(rng: random.Random, name: str) -> str:
    """The same name as a volunteer might type it: case and spaces vary."""
    choice = rng.random()
    if choice < 0.2:
        return name.upper()
    if choice < 0.3:
        return f"  {name} "
    if choice < 0.35:
        return name.lower()
    return name


def generate(rows: int, seed: int = 2026) -> bytes:
    rng = random.Random(seed)
    people = []
    for _ in range(rows // 5):
        people.append(
            (
                rng.choice(FIRST),
                rng.choice(LAST),
                rng.randint(1935, 2000),
                rng.choice(["3300", "3320", "3350", "3400", "3440"]),
                rng.choice(["Man", "Vrouw", ""]),
                rng.choice(["Nederlandstalig", "Anderstalig", ""]),
                ", ".join(rng.sample(GROUPS, rng.randint(0, 2))),
            )
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(rows):
        day = rng.randint(1, 28)
        month = rng.randint(1, 12)
        year = rng.choice([2022, 2023, 2024])
        hour, minute = rng.randint(9, 16), rng.randint(0, 59)
        stamp = f"{day:02d}/{month:02d}/{year} {hour:02d}:{minute:02d}:{i % 60:02d}"
        form, activity = rng.choice(SERVICES)
        question = rng.choice(QUESTIONS) if form == "Individuele begeleiding" else ""
        if rng.random() < 0.1:
            writer.writerow(
                [stamp, "", "", "", "", "", "", "", "", "", form, activity,
                 rng.choice(LOCATIONS), "", question, ""]
            )  # fmt: skip
            continue
        first, last, year_born, postcode, gender, language, groups = rng.choice(people)
        writer.writerow(
            [stamp, variant(rng, first), variant(rng, last), year_born, postcode, gender, language,
             "", "", groups, form, activity, rng.choice(LOCATIONS), rng.choice(["Ja", "Nee", ""]),
             question, rng.choice(REFERRERS)]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    ensure_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from digibank.models import Digibank
    from digibank.services import digibank_create
    from registration.importing import legacy_import, legacy_preview
    from registration.models import Participation, Visitor

    slug = "bench-import"
    old = Digibank.objects.filter(slug=slug).first()
    if old is not None:
        with connection.cursor() as cursor:  # fast reset of the previous run
            for table, column in (
                ("registration_helpquestion_categories", "helpquestion_id IN (SELECT h.id FROM "
                 "registration_helpquestion h JOIN registration_participation p ON "
                 "p.id = h.participation_id WHERE p.digibank_id = %s)"),
                ("registration_helpquestion", "participation_id IN (SELECT id FROM "
                 "registration_participation WHERE digibank_id = %s)"),
                ("registration_participation", "digibank_id = %s"),
                ("registration_visitor_target_groups", "visitor_id IN (SELECT id FROM "
                 "registration_visitor WHERE digibank_id = %s)"),
                ("registration_visitor", "digibank_id = %s"),
            ):  # fmt: skip
                cursor.execute(f"DELETE FROM {table} WHERE {column}", [old.pk])  # noqa: S608
        old.delete()
    digibank = digibank_create(slug=slug, name="Bench import")

    data = generate(args.rows)
    print(f"file: {args.rows} rows, {len(data) / 1_048_576:.1f} MB")

    start = time.perf_counter()
    preview = legacy_preview(digibank=digibank, data=data, filename="bench.csv")
    preview_s = time.perf_counter() - start
    print(
        f"preview: {preview_s:.1f} s  (participations {preview['participations_created']}, "
        f"new visitors {preview['visitors_created']}, anonymous {preview['anonymous']}, "
        f"possible duplicates {len(preview['possible_duplicates'])}, "
        f"rejected {len(preview['rejected'])})"
    )

    start = time.perf_counter()
    summary = legacy_import(digibank=digibank, data=data, filename="bench.csv", create_unknown=True)
    import_s = time.perf_counter() - start
    print(
        f"import:  {import_s:.1f} s  (participations {summary['participations_created']}, "
        f"visitors {summary['visitors_created']})"
    )
    assert Participation.objects.filter(digibank=digibank).count() == args.rows
    assert Visitor.objects.filter(digibank=digibank).count() == summary["visitors_created"]

    start = time.perf_counter()
    again = legacy_import(digibank=digibank, data=data, filename="bench.csv", create_unknown=True)
    again_s = time.perf_counter() - start
    print(f"re-import: {again_s:.1f} s  (participations {again['participations_created']})")
    assert again["participations_created"] == 0 and again["visitors_created"] == 0

    ok = preview_s <= 30 and import_s <= 60
    print("goal (preview <= 30 s, import <= 60 s):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
