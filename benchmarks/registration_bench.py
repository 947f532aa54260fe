"""Desk speed at scale: 100,000 visitors and 1,000,000 participations in one digibank.

Seeds a separate PostgreSQL database (default `digibank_bench_registration`, never the test
database), then measures the server time of the desk search page and of saving a participation
through the Django test client (the whole request: middleware, view, queries, template).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/digibank_bench_registration \\
        .venv/bin/python benchmarks/registration_bench.py [--reseed] [--runs 300]

Targets (issue 3): search median < 50 ms, save median < 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/digibank_bench_registration"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
    "DATABASE_URL", DEFAULT_URL
)
if not os.environ["DATABASE_URL"].rstrip("/").endswith("bench_registration"):
    os.environ["DATABASE_URL"] = DEFAULT_URL  # never seed the development or test database
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

VISITORS = 100_000
PARTICIPATIONS = 1_000_000
SLUG = "bench"

FIRST = [
    "Maria",
    "Rosa",
    "Godelieve",
    "Annie",
    "Christiane",
    "Monique",
    "Lutgarde",
    "Hilde",
    "Marleen",
    "Rita",
    "Josée",
    "Martine",
    "Ingrid",
    "Linda",
    "Agnes",
    "Denise",
    "Paula",
    "Mariette",
    "Simonne",
    "Hélène",
    "Greet",
    "Nicole",
    "Jan",
    "Jozef",
    "Marcel",
    "Frans",
    "Willy",
    "Roger",
    "Luc",
    "Eddy",
    "Marc",
    "Dirk",
    "Guido",
    "Raymond",
    "André",
    "Etienne",
    "Gustaaf",
    "Paul",
    "Rudi",
    "Walter",
    "Noël",
    "Herman",
    "Fatima",
    "Aïcha",
    "Zeynep",
    "Amina",
    "Olena",
    "Nour",
    "Mariam",
    "Khadija",
    "Mohamed",
    "Ahmed",
    "Mustafa",
    "Abdullah",
    "Oleksandr",
    "Omar",
    "Yonas",
    "Karim",
    "Piotr",
    "Mehmet",
    "Ali",
    "Bilal",
]
LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De_Smet",
    "Vermeulen",
    "Van_den_Broeck",
    "Dubois",
    "Hermans",
    "Aerts",
    "Vandevelde",
    "Verhoeven",
    "Stevens",
    "Pauwels",
    "De_Wit",
    "Coppens",
    "Van_Damme",
    "D'Hondt",
    "Vanhoof",
    "Lemmens",
    "Smolders",
    "Vanderstraeten",
    "Cuypers",
    "Gijsbrechts",
    "Vandeput",
    "Bosmans",
    "Lambrechts",
    "El_Amrani",
    "Benali",
    "Yilmaz",
    "Haidari",
    "Kovalenko",
    "Al-Hassan",
    "Tesfay",
    "Ouali",
    "Nowak",
    "Bouzid",
    "Demir",
    "Rahimi",
    "Bondarenko",
    "Al-Khatib",
    "Gebremedhin",
    "Haddou",
    "Kowalski",
    "Kaya",
    "Sharifi",
    "Diallo",
]
LAST = [name.replace("_", " ") for name in LAST]
POSTCODES = ["3300", "3400", "3350", "3320", "3440", "3370", "3000", "3010", ""]


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rstrip("/").rsplit("/", 1)[1]
    admin = url.rstrip("/").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    # The test client's host. (Not setup_test_environment(): its instrumented template
    # rendering copies every context and would measure the test harness, not the server.)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def seed(rng: random.Random) -> None:
    from django.db import connection
    from django.utils import timezone

    from digibank.models import Digibank, Location, Membership, Role, User
    from digibank.services import digibank_create
    from registration.identity import VISITOR_CODE_ALPHABET, fold, normalise_name, pseudonymous_code
    from registration.models import Visitor

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM registration_helpquestion_categories WHERE helpquestion_id IN "
            "(SELECT h.id FROM registration_helpquestion h JOIN registration_participation p "
            "ON p.id = h.participation_id JOIN digibank_digibank d ON d.id = p.digibank_id "
            "WHERE d.slug = %s)",
            [SLUG],
        )
        cursor.execute(
            "DELETE FROM registration_helpquestion WHERE participation_id IN (SELECT p.id FROM "
            "registration_participation p JOIN digibank_digibank d ON d.id = p.digibank_id "
            "WHERE d.slug = %s)",
            [SLUG],
        )
        cursor.execute(
            "DELETE FROM registration_participation WHERE digibank_id IN "
            "(SELECT id FROM digibank_digibank WHERE slug = %s)",
            [SLUG],
        )
        cursor.execute(
            "DELETE FROM registration_visitor_target_groups WHERE visitor_id IN (SELECT v.id "
            "FROM registration_visitor v JOIN digibank_digibank d ON d.id = v.digibank_id "
            "WHERE d.slug = %s)",
            [SLUG],
        )
        cursor.execute(
            "DELETE FROM registration_visitor WHERE digibank_id IN "
            "(SELECT id FROM digibank_digibank WHERE slug = %s)",
            [SLUG],
        )
    Digibank.objects.filter(slug=SLUG).delete()
    User.objects.filter(email="bench@example.be").delete()

    digibank = digibank_create(slug=SLUG, name="Digibank Benchmark", start_date=dt.date(2024, 1, 1))
    locations = [
        Location.objects.create(digibank=digibank, name=f"Digipunt {i}", slug=f"digipunt-{i}")
        for i in range(6)
    ]
    user = User.objects.create_user("bench@example.be", "bench", name="Bench Helper")
    Membership.objects.create(user=user, digibank=digibank, role=Role.VOLUNTEER)

    started = time.perf_counter()
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    codes = set()
    for i in range(VISITORS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        year = rng.randint(1935, 2005)
        postcode = rng.choice(POSTCODES)
        while True:
            code = "".join(rng.choice(VISITOR_CODE_ALPHABET) for _ in range(6))
            if code not in codes:
                codes.add(code)
                break
        visitor = Visitor(first_name=first, last_name=last, birth_year=year, visitor_code=code)
        visitor.norm_first_name, visitor.norm_last_name = (
            normalise_name(first),
            normalise_name(last),
        )
        parts = [fold(first), fold(last)]
        parts += [
            j
            for f, j in zip(parts, (visitor.norm_first_name, visitor.norm_last_name), strict=True)
            if j != f
        ]
        search_text = " ".join([*parts, code.lower()])
        row = [
            digibank.pk,
            first,
            last,
            year,
            postcode,
            "unknown",
            "unknown",
            "unknown",
            "unknown",
            "unknown",
            "",
            "",
            code,
            pseudonymous_code(first, last, year),
            search_text,
            visitor.norm_first_name,
            visitor.norm_last_name,
            now,
            now,
        ]
        buffer.write("\t".join(str(value) for value in row) + "\n")
        if i and i % 25_000 == 0:
            print(f"  generated {i} visitors", flush=True)
    buffer.seek(0)
    columns = (
        "digibank_id, first_name, last_name, birth_year, postcode, gender, language, education, "
        "employment, target_groups_answer, phone, email, visitor_code, pseudonymous_code, "
        "search_text, norm_first_name, norm_last_name, created_at, updated_at"
    )
    raw = connection.connection if connection.connection else None
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY registration_visitor ({columns}) FROM STDIN") as copy,
    ):
        copy.write(buffer.getvalue())
    raw.commit()
    print(f"  {VISITORS} visitors in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM registration_visitor WHERE digibank_id = %s",
            [digibank.pk],
        )
        low, high = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO registration_participation (
                digibank_id, visitor_id, location_id, occurred_at, occurred_on, form_of_service,
                activity_kind, activity_name, source_event, referrer_channel, registered_by_id,
                created_at)
            SELECT %(digibank)s,
                   CASE WHEN random() < 0.03 THEN NULL
                        ELSE %(low)s + floor(random() * (%(high)s - %(low)s + 1))::bigint END,
                   (%(locations)s::bigint[])[1 + floor(random() * 6)::int],
                   t, (t AT TIME ZONE 'Europe/Brussels')::date,
                   (ARRAY['individual_support','individual_support','individual_support',
                          'training','lending','computer_room'])[1 + floor(random() * 6)::int],
                   '', '', '', 'unknown', %(user)s, now()
            FROM (SELECT now() - random() * interval '600 days' AS t
                  FROM generate_series(1, %(n)s)) AS g
            """,
            {
                "digibank": digibank.pk,
                "low": low,
                "high": high,
                "user": user.pk,
                "n": PARTICIPATIONS,
                "locations": [loc.pk for loc in locations],
            },
        )
        cursor.execute("ANALYZE registration_visitor")
        cursor.execute("ANALYZE registration_participation")
    print(f"  {PARTICIPATIONS} participations in {time.perf_counter() - started:.1f} s", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, timings: list[float], target: float) -> None:
    median, p95 = statistics.median(timings), percentile(timings, 0.95)
    verdict = "OK" if median < target else "TOO SLOW"
    print(
        f"{name:<28} n={len(timings):<4} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {max(timings):7.1f} ms   (target median < {target:.0f} ms: {verdict})"
    )


def measure(runs: int, rng: random.Random) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from digibank.models import Digibank, User
    from registration.models import HelpCategory, Participation, Visitor

    digibank = Digibank.objects.get(slug=SLUG)
    user = User.objects.get(email="bench@example.be")
    location = digibank.locations.order_by("pk").first()
    client = Client()
    client.force_login(user)
    client.post(reverse("digibank:set_desk_location"), {"location": location.pk})
    print(
        f"digibank '{digibank.name}': {Visitor.objects.filter(digibank=digibank).count()} "
        f"visitors, {Participation.objects.filter(digibank=digibank).count()} participations"
    )
    sample = list(
        Visitor.objects.filter(digibank=digibank)
        .order_by("?")
        .values_list("pk", "first_name", "last_name", "birth_year", "visitor_code")[:runs]
    )
    queries = []
    for _pk, first, last, year, code in sample:
        queries.append(
            rng.choice(
                [
                    last[:5],
                    f"{first[:3]} {last[:4]}",
                    f"{last} {year}",
                    code,
                    f"{first} {last}",
                    f"{last.lower()[:4]} {year}",
                ]
            )
        )
    desk = reverse("registration:desk")
    for query in queries[:10]:  # warm-up
        client.get(desk, {"q": query})
    timings = []
    for query in queries:
        started = time.perf_counter()
        response = client.get(desk, {"q": query})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    report("desk search (page)", timings, 50)

    category = HelpCategory.objects.get(code="government_login")
    today = timezone.localdate().isoformat()
    timings = []
    for pk, *_ in sample:
        url = reverse("registration:participation_create", args=[pk])
        data = {
            "form_of_service": "individual_support",
            "location": location.pk,
            "activity_kind": "digipunt_walk_in",
            "occurred_on": today,
            "referrer_channel": "library",
            "idempotency_key": uuid.uuid4().hex,
            "q-categories": [category.pk],
            "q-concerned_service": "itsme",
            "q-outcome": "solved",
        }
        started = time.perf_counter()
        response = client.post(url, data)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.content[:500]
    report("save participation (POST)", timings, 100)

    timings = []
    for pk, *_ in sample[: max(20, runs // 3)]:
        url = reverse("registration:participation_create", args=[pk])
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    report("participation form (GET)", timings, 100)

    with connection.cursor() as cursor:
        from registration import selectors

        sql, params = (
            selectors.with_returning_status(
                selectors.active_visitors(digibank=digibank).filter(search_text__contains="peet")
            )
            .order_by("last_name", "first_name", "pk")[:21]
            .query.sql_with_params()
        )
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print("\nPlan of the search 'peet' (is the trigram index used?):")
    print(plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the data again")
    parser.add_argument("--runs", type=int, default=300, help="requests per measurement")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    from django.core.management import call_command

    from registration.models import Participation, Visitor

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    seeded = Visitor.objects.filter(digibank__slug=SLUG).count() >= VISITORS and (
        Participation.objects.filter(digibank__slug=SLUG).count() >= PARTICIPATIONS
    )
    if args.reseed or not seeded:
        print("Seeding (once; use --reseed to start over) ...", flush=True)
        seed(rng)
    measure(args.runs, rng)


if __name__ == "__main__":
    main()
