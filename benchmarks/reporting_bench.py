"""Benchmark of the learning indicators and the department report at national scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/digibank_bench_reporting \\
        python benchmarks/reporting_bench.py [--regenerate] [--repeat 5]

Generates (once, with SQL generate_series, in a minute or two) 53 digibanks, 100 000 visitors,
1 000 000 participations over 3 years (2023-2025) and ~330 000 help questions in a SEPARATE
database (created when missing; default digibank_bench_reporting), then measures:

- all 12 indicators + profile per form + completeness for one digibank and a year (< 500 ms);
- the department report for all digibanks and a year: its data, XLSX, CSV and PDF (< 15 s);
- the number of queries of each, which must be the same whatever the data size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/digibank_bench_reporting"


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


GENERATE = [
    "TRUNCATE registration_helpquestion_categories, registration_helpquestion, "
    "registration_participation, registration_visitor_target_groups, registration_visitor, "
    "registration_targetgroup, registration_consenttext, digibank_location, "
    "digibank_organisation, reporting_reportfile, digibank_digibank RESTART IDENTITY CASCADE",
    # 53 digibanks, started on 1 January 2023.
    "INSERT INTO digibank_digibank (name, slug, municipalities, start_date, "
    "target_unique_visitors, created_at, privacy_contact, retention_months) "
    "SELECT 'Digibank ' || i, 'bench-' || i, '[]'::jsonb, DATE '2023-01-01', 1000, now(), '', 36 "
    "FROM generate_series(1, 53) i",
    # 6 locations and 8 organisations per digibank (ids in digibank order).
    "INSERT INTO digibank_location (name, slug, kind, address, municipality, opening_notes, "
    "active, created_at, digibank_id) SELECT 'Locatie ' || d || '-' || l, 'loc-' || l, 'fixed', "
    "'', '', '', true, now(), d FROM generate_series(1, 53) d, generate_series(1, 6) l "
    "ORDER BY d, l",
    "INSERT INTO digibank_organisation (name, type, is_partner, is_referrer, active, "
    "digibank_id) SELECT 'Organisatie ' || d || '-' || o, (ARRAY['social_services', 'library', "
    "'vdab', 'adult_education', 'poverty_organisation', 'social_economy', 'municipality', "
    "'other'])[o], o < 4, true, true, d FROM generate_series(1, 53) d, generate_series(1, 8) o "
    "ORDER BY d, o",
    # 9 target groups per digibank.
    'INSERT INTO registration_targetgroup (code, name, is_department_group, "order", active, '
    "digibank_id) SELECT (ARRAY['low_literate', 'age_55_74', 'low_educated', 'job_seeker', "
    "'low_income', 'other_language', 'newcomer', 'disability', 'age_75_plus'])[t], 'Groep ' || t, "
    "t <= 5, t, true, d FROM generate_series(1, 53) d, generate_series(1, 9) t ORDER BY d, t",
    # 100 000 visitors; about 3% share a pseudonymous code with someone in another digibank.
    "INSERT INTO registration_visitor (first_name, last_name, birth_year, postcode, gender, "
    "language, education, employment, target_groups_answer, phone, email, visitor_code, "
    "pseudonymous_code, search_text, norm_first_name, norm_last_name, created_at, updated_at, "
    "digibank_id) SELECT 'Voornaam' || i, 'Achternaam' || i, "
    "CASE WHEN random() < 0.05 THEN NULL ELSE 1935 + floor(random() * 70)::int END, "
    "CASE WHEN random() < 0.1 THEN '' ELSE (1000 + floor(random() * 8999))::int::text END, "
    "(ARRAY['female', 'male', 'x', 'unknown'])[1 + floor(random() * 4)::int], "
    "(ARRAY['dutch', 'other', 'unknown'])[1 + floor(random() * 3)::int], "
    "(ARRAY['isced_0_2', 'isced_3_4', 'isced_5_8', 'unknown'])[1 + floor(random() * 4)::int], "
    "(ARRAY['employed', 'job_seeker', 'retired', 'unable_to_work', 'student', 'other', "
    "'unknown'])[1 + floor(random() * 7)::int], "
    "(ARRAY['given', 'given', 'unknown', 'declined'])[1 + floor(random() * 4)::int], '', '', "
    "'C' || i, upper(substr(md5((i % 97000)::text), 1, 20)), '', '', '', now(), now(), "
    "1 + (i % 53) FROM generate_series(1, 100000) i",
    "INSERT INTO registration_visitor_target_groups (visitor_id, targetgroup_id) "
    "SELECT v.id, tg.id FROM registration_visitor v JOIN registration_targetgroup tg "
    "ON tg.digibank_id = v.digibank_id WHERE v.target_groups_answer = 'given' "
    "AND random() < 0.15",
    # 1 000 000 participations over 2023-2025; returning visitors are more frequent (skew);
    # 8% anonymous.
    "INSERT INTO registration_participation (occurred_at, occurred_on, form_of_service, "
    "activity_kind, activity_name, source_event, referrer_channel, created_at, digibank_id, "
    "location_id, referrer_organisation_id, visitor_id) "
    "SELECT s.ts, (s.ts AT TIME ZONE 'Europe/Brussels')::date, s.form, "
    "CASE s.form WHEN 'individual_support' THEN (CASE WHEN s.r2 < 0.6 THEN 'digipunt_walk_in' "
    "ELSE 'digipunt_appointment' END) WHEN 'training' THEN (CASE WHEN s.r2 < 0.5 THEN 'workshop' "
    "ELSE 'digicafe' END) WHEN 'lending' THEN 'loan' ELSE 'computer_room' END, '', '', "
    "(ARRAY['social_worker', 'ocmw', 'library', 'vdab', 'word_of_mouth', 'flyer', 'website', "
    "'municipal_letter', 'internal_referral', 'self', 'unknown', 'unknown'])"
    "[1 + floor(s.r3 * 12)::int], now(), v.digibank_id, "
    "(v.digibank_id - 1) * 6 + 1 + floor(s.r2 * 6)::int, "
    "CASE WHEN s.r3 < 0.3 THEN (v.digibank_id - 1) * 8 + 1 + floor(s.r1 * 8)::int END, "
    "CASE WHEN s.r1 < 0.08 THEN NULL ELSE v.id END "
    "FROM (SELECT i, 1 + floor(100000 * power(random(), 1.6))::int AS vid, "
    "TIMESTAMPTZ '2023-01-01 08:00+01' + random() * INTERVAL '1094 days' AS ts, "
    "random() AS r1, random() AS r2, random() AS r3, "
    "(CASE WHEN random() < 0.55 THEN 'individual_support' WHEN random() < 0.55 THEN 'training' "
    "WHEN random() < 0.5 THEN 'lending' ELSE 'computer_room' END) AS form "
    "FROM generate_series(1, 1000000) i) s JOIN registration_visitor v ON v.id = s.vid",
    # Help questions at 60% of the digipunt participations.
    "INSERT INTO registration_helpquestion (concerned_service, concerned_service_key, "
    "has_content_side, outcome, referred_to_text, referred_internal_to, follow_up_done, note, "
    "referred_to_organisation_id, participation_id) "
    "SELECT x.service, lower(x.service), random() < 0.35, x.outcome, '', "
    "CASE WHEN x.outcome = 'referred_internal' THEN 'training' ELSE '' END, false, '', "
    "CASE WHEN x.outcome = 'referred_external' THEN (x.digibank_id - 1) * 8 + 1 END, x.id "
    "FROM (SELECT p.id, p.digibank_id, (ARRAY['itsme', 'MyMinfin', 'eBox', 'Doccle', "
    "'KBC Mobile', 'Belfius', 'Gmail', 'Fluvius', 'Mutualiteit', 'Smartphone', 'Phishing', "
    "''])[1 + floor(random() * 12)::int] AS service, (ARRAY['solved', 'solved', 'solved', "
    "'partly', 'follow_up', 'referred_external', 'referred_internal'])"
    "[1 + floor(random() * 7)::int] AS outcome FROM registration_participation p "
    "WHERE p.form_of_service = 'individual_support' AND random() < 0.6) x",
    "INSERT INTO registration_helpquestion_categories (helpquestion_id, helpcategory_id) "
    "SELECT hq.id, (SELECT array_agg(id ORDER BY id) FROM registration_helpcategory)"
    "[1 + (hq.id % 16)] FROM registration_helpquestion hq",
]


def generate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in GENERATE:
            started = time.perf_counter()
            cursor.execute(sql)
            print(f"  {time.perf_counter() - started:6.1f} s  {sql[:70]}...")
        cursor.execute("VACUUM ANALYZE")


def timed(func, repeat: int, warm: bool = True) -> tuple[float, float, int]:
    """(best ms, median ms, queries) of `func`, after one warm-up run if `warm`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm:
        func()
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            func()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return min(times), statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.rsplit("/", 1)[1].startswith("digibank_bench"):
        sys.exit("Use a separate benchmark database (name starting with digibank_bench).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digibank.settings")
    ensure_database(url)

    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from digibank.models import Digibank
    from reporting import exports, indicators, selectors

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registration_participation")
        existing = cursor.fetchone()[0]
    if args.regenerate or existing < 1_000_000:
        print("Generating the national data set ...")
        started = time.perf_counter()
        generate()
        print(f"Generated in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        for table in (
            "digibank_digibank",
            "registration_visitor",
            "registration_participation",
            "registration_helpquestion",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            print(f"{table}: {cursor.fetchone()[0]}")

    year = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}
    big = Digibank.objects.get(slug="bench-1")
    small = Digibank.objects.get(slug="bench-2")
    results = []

    def run(name, func, limit_ms, repeat=None, warm=True):
        best, median, queries = timed(func, repeat or args.repeat, warm)
        verdict = "OK" if median < limit_ms else "TOO SLOW"
        results.append((name, best, median, queries, limit_ms, verdict))
        print(
            f"{name:58} best {best:8.1f} ms  median {median:8.1f} ms  "
            f"{queries:3d} queries  (< {limit_ms} ms: {verdict})"
        )

    for digibank in (big, small):
        run(
            f"12 indicators, {digibank.slug}, 2025",
            lambda d=digibank: indicators.learning_indicators(digibank_ids=[d.pk], **year),
            500,
        )
    run(
        "12 indicators, bench-1, March 2025",
        lambda: indicators.learning_indicators(
            digibank_ids=[big.pk], start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31)
        ),
        500,
    )
    with translation.override("nl-be"):
        run(
            "department report data, all digibanks, 2025",
            lambda: selectors.report_data(digibank=None, **year),
            15000,
            repeat=1,
        )
        data = selectors.report_data(digibank=None, **year)
        print(f"  pseudonymous rows: {len(data['visitors'])}")
        for fmt in ("xlsx", "csv", "pdf"):
            run(
                f"department report {fmt.upper()}, all digibanks, 2025 (data + file)",
                lambda f=fmt: exports.render(selectors.report_data(digibank=None, **year), f),
                15000,
                repeat=1,
                warm=False,
            )
        run(
            "department report data, bench-1, 2025",
            lambda: selectors.report_data(digibank=big, **year),
            15000,
        )
    run(
        "12 indicators, all digibanks, 2025",
        lambda: indicators.learning_indicators(digibank_ids=None, **year),
        15000,
        repeat=1,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    print(f"Load average during the run: {os.getloadavg()}")
    counts = {name: queries for name, _b, _m, queries, _l, _v in results}
    same = len({q for n, q in counts.items() if n.startswith("12 indicators")}) == 1
    print(f"Query count of the 12 indicators the same for every scope and size: {same}")
    if not same or any(r[5] != "OK" for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
