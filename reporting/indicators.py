# ruff: noqa: S608  (SQL text is built from constants only; every value is a parameter)
"""The 12 learning indicators (DOMAIN.md, seed 001 chapter 3B) as pure query functions.

Every function takes the same scope, keyword-only:

- `digibank_ids`: the digibanks to count (`None` = all digibanks);
- `start`, `end`: the period, both days included, compared with `Participation.occurred_on`
  (the local Europe/Brussels date of the participation);
- `location_id`: only participations at this location (optional).

Each returns plain JSON-able data (dicts, lists, str, int, float, None) and runs a fixed number of
SQL queries whatever the amount of data: every count is an aggregation in the database.

Definitions used everywhere:

- a *person* is a registered visitor; a participation that points to a visitor merged into
  another one counts for the survivor (`COALESCE(merged_into_id, id)`), so a merged visitor is
  counted once even if a participation was left behind;
- *unique visitors* = distinct persons with at least one participation in the scope; anonymous
  participations count as participations, never as visitors;
- *new* = the person's first participation ever (in their digibank) falls in the period;
- *returning* = participations on two or more distinct days in the period;
- *age band* from the birth year at the end of the period (`AGE_BANDS`);
- "unknown" is always its own category, and every share comes as
  `{"count", "denominator", "percent"}`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from registration.hooks import DEFAULT_TARGET_GROUPS
from registration.models import (
    ActivityKind,
    Education,
    Employment,
    FormOfService,
    Gender,
    InternalDestination,
    Language,
    Outcome,
    ReferrerChannel,
)

FORMS: list[str] = list(FormOfService.values)
# Age at the end of the period. 55-64 and 65-74 together are the department's 55-74 group.
AGE_BANDS: list[str] = ["under_25", "25_54", "55_64", "65_74", "75_plus", "unknown"]
UNKNOWN = "unknown"
DECLINED = "declined"
TARGET_GROUP_CODES: list[str] = [code for code, _name, _dept in DEFAULT_TARGET_GROUPS]
PROFILE_DIMENSIONS = ["gender", "language", "education", "employment", "age_band", "target_groups"]
COMPLETENESS_FIELDS = [
    "birth_year",
    "postcode",
    "gender",
    "language",
    "education",
    "employment",
    "target_groups",
]
# A location is "new" (ramp-up shown) when its first activity is at most this long before the
# end of the period.
NEW_LOCATION_DAYS = 365

P = "registration_participation"
V = "registration_visitor"
VTG = "registration_visitor_target_groups"
TG = "registration_targetgroup"
HQ = "registration_helpquestion"
HQC = "registration_helpquestion_categories"
HC = "registration_helpcategory"
LOC = "digibank_location"
ORG = "digibank_organisation"
DB = "digibank_digibank"
# Joins from a small scoped set into big tables. On PostgreSQL as index look-ups per row: the
# "OFFSET 0" keeps the planner from flattening the lateral sub-select into a hash or merge join
# that reads the whole table (330 000 help questions, 100 000 visitors at national scale).
# SQLite (development) has no LATERAL and gets the plain join.


# The surviving visitor of a participation: only merged visitors need a look-up (a small
# partial index), everyone else is the participation's own visitor_id.
MERGE_JOIN = f"LEFT JOIN {V} mv ON mv.id = p.visitor_id AND mv.merged_into_id IS NOT NULL"
PERSON = "COALESCE(mv.merged_into_id, p.visitor_id)"


def _lateral(scope: Scope) -> bool:
    """Look-ups per row for one or a few digibanks; for all digibanks a hash join is cheaper."""
    return connection.vendor == "postgresql" and scope.digibank_ids is not None


def _pv_join(person: str, scope: Scope) -> str:
    """`pv`: the (surviving) visitor of each row, by primary key."""
    if _lateral(scope):
        return f"CROSS JOIN LATERAL (SELECT * FROM {V} pv0 WHERE pv0.id = {person} OFFSET 0) pv"
    return f"JOIN {V} pv ON pv.id = {person}"


def _hq_join(scope: Scope) -> str:
    """`hq`: the help questions of each scoped participation `s`."""
    if _lateral(scope):
        return (
            f"CROSS JOIN LATERAL (SELECT * FROM {HQ} hq0 WHERE hq0.participation_id = s.pid "
            f"OFFSET 0) hq"
        )
    return f"JOIN {HQ} hq ON hq.participation_id = s.pid"


def _vtg_join(visitor: str, scope: Scope) -> str:
    """`vtg`: the target-group links of a visitor (none: one row of NULLs)."""
    if _lateral(scope):
        return (
            f"LEFT JOIN LATERAL (SELECT vtg0.targetgroup_id FROM {VTG} vtg0 "
            f"WHERE vtg0.visitor_id = {visitor} OFFSET 0) vtg ON true"
        )
    return f"LEFT JOIN {VTG} vtg ON vtg.visitor_id = {visitor}"


def _hqc_join(question: str, scope: Scope) -> str:
    """`hqc`: the category links of a help question."""
    if _lateral(scope):
        return (
            f"CROSS JOIN LATERAL (SELECT hqc0.helpcategory_id FROM {HQC} hqc0 "
            f"WHERE hqc0.helpquestion_id = {question} OFFSET 0) hqc"
        )
    return f"JOIN {HQC} hqc ON hqc.helpquestion_id = {question}"


@dataclass(frozen=True)
class Scope:
    digibank_ids: tuple[int, ...] | None
    start: dt.date
    end: dt.date
    location_id: int | None = None

    @classmethod
    def of(
        cls,
        *,
        digibank_ids: list[int] | tuple[int, ...] | None,
        start: dt.date,
        end: dt.date,
        location_id: int | None = None,
    ) -> Scope:
        if end < start:
            raise ValueError("The period ends before it starts.")
        ids = None if digibank_ids is None else tuple(int(i) for i in digibank_ids)
        return cls(ids, start, end, int(location_id) if location_id else None)


# -- SQL helpers ---------------------------------------------------------------------------------


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _month(expr: str) -> str:
    """'YYYY-MM' of a date column, in the current database's dialect."""
    if connection.vendor == "postgresql":
        return f"to_char({expr}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {expr})"


def _digibank_filter(scope: Scope, column: str) -> tuple[str, list]:
    if scope.digibank_ids is None:
        return "", []
    if not scope.digibank_ids:
        return " AND 1 = 0", []
    marks = ", ".join(["%s"] * len(scope.digibank_ids))
    return f" AND {column} IN ({marks})", list(scope.digibank_ids)


def _location_filter(scope: Scope, column: str) -> tuple[str, list]:
    if scope.location_id is None:
        return "", []
    return f" AND {column} = %s", [scope.location_id]


def _scoped_cte(scope: Scope) -> tuple[str, list]:
    """`scoped`: every participation in the scope (anonymous ones have person NULL)."""
    db_sql, db_params = _digibank_filter(scope, "p.digibank_id")
    loc_sql, loc_params = _location_filter(scope, "p.location_id")
    sql = f"""scoped AS (
        SELECT p.id AS pid, {PERSON} AS person, p.digibank_id,
               p.location_id, p.occurred_on, p.occurred_at, p.form_of_service AS form,
               p.activity_kind, p.referrer_organisation_id AS org, p.referrer_channel AS channel
        FROM {P} p {MERGE_JOIN}
        WHERE p.occurred_on >= %s AND p.occurred_on <= %s{db_sql}{loc_sql}
    )"""
    return sql, [scope.start, scope.end, *db_params, *loc_params]


def _firsts_cte(scope: Scope) -> tuple[str, list]:
    """`firsts`: per person, the first participation ever (up to the period end)."""
    db_sql, db_params = _digibank_filter(scope, "p.digibank_id")
    # First per visitor (streamed from the index), then per surviving visitor.
    sql = f"""firsts AS (
        SELECT COALESCE(mv.merged_into_id, fv.visitor_id) AS person, MIN(fv.first_on) AS first_on
        FROM (SELECT p.visitor_id, MIN(p.occurred_on) AS first_on FROM {P} p
              WHERE p.visitor_id IS NOT NULL AND p.occurred_on <= %s{db_sql}
              GROUP BY p.visitor_id) fv
        LEFT JOIN {V} mv ON mv.id = fv.visitor_id AND mv.merged_into_id IS NOT NULL
        GROUP BY COALESCE(mv.merged_into_id, fv.visitor_id)
    )"""
    return sql, [scope.end, *db_params]


def _age_band_sql() -> str:
    """CASE expression on `pv.birth_year`; takes the period end's year as parameter (x4)."""
    return """CASE WHEN pv.birth_year IS NULL THEN 'unknown'
        WHEN %s - pv.birth_year < 25 THEN 'under_25'
        WHEN %s - pv.birth_year < 55 THEN '25_54'
        WHEN %s - pv.birth_year < 65 THEN '55_64'
        WHEN %s - pv.birth_year < 75 THEN '65_74'
        ELSE '75_plus' END"""


def _target_group_sql() -> str:
    return """COALESCE(tg.code, CASE WHEN pv.target_groups_answer = 'declined'
        THEN 'declined' ELSE 'unknown' END)"""


def pct(count: int, denominator: int) -> dict:
    """A share with the numbers behind it."""
    count, denominator = int(count or 0), int(denominator or 0)
    percent = round(100.0 * count / denominator, 1) if denominator else None
    return {"count": count, "denominator": denominator, "percent": percent}


def months_between(start: dt.date, end: dt.date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _categories(dimension: str) -> list[str]:
    return {
        "gender": list(Gender.values),
        "language": list(Language.values),
        "education": list(Education.values),
        "employment": list(Employment.values),
        "age_band": AGE_BANDS,
        "target_groups": [*TARGET_GROUP_CODES, DECLINED, UNKNOWN],
        "referrer_channel": list(ReferrerChannel.values),
    }[dimension]


def _profile(
    scope: Scope, people_sql: str, people_params: list, groups: list[str], *, referrer=False
) -> dict[str, dict[str, dict[str, int]]]:
    """Unique persons per group x dimension x category, in ONE query.

    `people_sql` selects `(grp, person)` from the `scoped` CTE."""
    cte, cte_params = _scoped_cte(scope)
    year = scope.end.year
    # `pp`: each (group, person) with the survivor's profile, looked up once.
    pp = (
        f"pp AS (SELECT pe.grp, pe.person, pv.gender, pv.language, pv.education, "
        f"pv.employment, pv.target_groups_answer, {_age_band_sql()} AS age_band "
        f"FROM (SELECT DISTINCT grp, person FROM people) pe {_pv_join('pe.person', scope)})"
    )
    params = [year] * 4
    parts = [
        f"SELECT grp, '{dimension}', {dimension}, COUNT(*) FROM pp GROUP BY 1, 2, 3"
        for dimension in ("gender", "language", "education", "employment", "age_band")
    ]
    parts.append(
        f"SELECT pv.grp, 'target_groups', {_target_group_sql()}, COUNT(DISTINCT pv.person) "
        f"FROM pp pv {_vtg_join('pv.person', scope)} "
        f"LEFT JOIN {TG} tg ON tg.id = vtg.targetgroup_id GROUP BY 1, 2, 3"
    )
    if referrer:
        parts.append(
            "SELECT pe.grp, 'referrer_channel', s.channel, COUNT(DISTINCT pe.person) "
            "FROM people pe JOIN scoped s ON s.person = pe.person GROUP BY 1, 2, 3"
        )
    sql = f"WITH {cte}, people AS ({people_sql}), {pp} " + " UNION ALL ".join(parts)
    dimensions = [*PROFILE_DIMENSIONS, *(["referrer_channel"] if referrer else [])]
    result = {
        group: {dim: dict.fromkeys(_categories(dim), 0) for dim in dimensions} for group in groups
    }
    for grp, dimension, value, count in _rows(sql, [*cte_params, *people_params, *params]):
        if grp in result:
            result[grp][dimension][value or UNKNOWN] = int(count)
    return result


def _combination(flags: tuple) -> str:
    return "+".join(form for form, used in zip(FORMS, flags, strict=True) if used) or UNKNOWN


def _form_flags_sql(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(
        f"MAX(CASE WHEN {prefix}form = '{form}' THEN 1 ELSE 0 END) AS f_{i}"
        for i, form in enumerate(FORMS)
    )


# -- A. Reach ------------------------------------------------------------------------------------


def indicator_unique_visitors(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """1. Unique visitors: overall, per form of service, per month; new vs. already known;
    cumulative since the digibank's start (participations from `Digibank.start_date` on) against
    the target (the sum of the digibanks' targets). 4 queries."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    per_form = ", ".join(
        f"COUNT(DISTINCT CASE WHEN form = '{f}' THEN person END), "
        f"SUM(CASE WHEN form = '{f}' THEN 1 ELSE 0 END)"
        for f in FORMS
    )
    row = _rows(
        f"WITH {cte} SELECT COUNT(*), SUM(CASE WHEN person IS NULL THEN 1 ELSE 0 END), "
        f"COUNT(DISTINCT person), {per_form} FROM scoped",
        params,
    )[0]
    participations, anonymous, total = int(row[0]), int(row[1] or 0), int(row[2])
    by_form = {f: int(row[3 + 2 * i]) for i, f in enumerate(FORMS)}
    participations_by_form = {f: int(row[4 + 2 * i] or 0) for i, f in enumerate(FORMS)}

    firsts, firsts_params = _firsts_cte(scope)
    at_location = ""
    if scope.location_id is not None:
        at_location = " AND f.person IN (SELECT person FROM scoped WHERE person IS NOT NULL)"
    new_by_month = dict(
        _rows(
            f"WITH {cte}, {firsts} SELECT {_month('f.first_on')}, COUNT(*) FROM firsts f "
            f"WHERE f.first_on >= %s{at_location} GROUP BY 1",
            [*params, *firsts_params, scope.start],
        )
    )

    db_sql, db_params = _digibank_filter(scope, "p.digibank_id")
    loc_sql, loc_params = _location_filter(scope, "p.location_id")
    target_sql, target_params = _digibank_filter(scope, "t.id")
    cumulative, target = _rows(
        f"SELECT COUNT(DISTINCT {PERSON}), "
        f"(SELECT COALESCE(SUM(t.target_unique_visitors), 0) FROM {DB} t WHERE 1 = 1{target_sql}) "
        f"FROM {P} p {MERGE_JOIN} JOIN {DB} d ON d.id = p.digibank_id "
        f"WHERE p.visitor_id IS NOT NULL AND p.occurred_on >= d.start_date "
        f"AND p.occurred_on <= %s{db_sql}{loc_sql}",
        [*target_params, scope.end, *db_params, *loc_params],
    )[0]

    monthly = {
        month: (int(unique), int(parts))
        for month, unique, parts in _rows(
            f"WITH {cte} SELECT {_month('occurred_on')}, COUNT(DISTINCT person), COUNT(*) "
            f"FROM scoped GROUP BY 1",
            params,
        )
    }
    new = sum(int(n) for n in new_by_month.values())
    return {
        "total": total,
        "new": new,
        "already_known": total - new,
        "new_share": pct(new, total),
        "cumulative": int(cumulative),
        "target": int(target),
        "progress": pct(int(cumulative), int(target)),
        "participations": participations,
        "anonymous_participations": anonymous,
        "by_service_form": by_form,
        "participations_by_service_form": participations_by_form,
        "by_month": [
            {
                "month": month,
                "unique": monthly.get(month, (0, 0))[0],
                "new": int(new_by_month.get(month, 0)),
                "participations": monthly.get(month, (0, 0))[1],
            }
            for month in months_between(scope.start, scope.end)
        ],
    }


def indicator_returning_visitors(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """2. Returning visitors (participations on 2+ distinct days): how many, their profile next
    to one-time visitors, and the combinations of forms of service they use. 2 queries."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    rows = _rows(
        f"WITH {cte}, per AS (SELECT person, COUNT(DISTINCT occurred_on) AS days, "
        f"{_form_flags_sql()} FROM scoped WHERE person IS NOT NULL GROUP BY person) "
        f"SELECT CASE WHEN days >= 2 THEN 1 ELSE 0 END, "
        f"{', '.join(f'f_{i}' for i in range(len(FORMS)))}, COUNT(*) FROM per "
        f"GROUP BY {', '.join(str(i + 1) for i in range(len(FORMS) + 1))}",
        params,
    )
    returning = one_time = 0
    combinations: dict[str, int] = defaultdict(int)
    combinations_all: dict[str, int] = defaultdict(int)
    for row in rows:
        is_returning, flags, count = row[0], tuple(row[1:-1]), int(row[-1])
        combinations_all[_combination(flags)] += count
        if is_returning:
            returning += count
            combinations[_combination(flags)] += count
        else:
            one_time += count
    total = returning + one_time
    profile = _profile(
        scope,
        "SELECT CASE WHEN COUNT(DISTINCT occurred_on) >= 2 THEN 'returning' ELSE 'one_time' END "
        "AS grp, person FROM scoped WHERE person IS NOT NULL GROUP BY person",
        [],
        ["returning", "one_time"],
    )
    multi = sum(n for combo, n in combinations.items() if "+" in combo)
    return {
        "unique_visitors": total,
        "returning": pct(returning, total),
        "one_time": pct(one_time, total),
        "returning_using_several_forms": pct(multi, returning),
        "combinations_returning": dict(sorted(combinations.items(), key=lambda kv: -kv[1])),
        "combinations_all": dict(sorted(combinations_all.items(), key=lambda kv: -kv[1])),
        "profile": profile,
    }


def indicator_locations(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """3. Per location: participations and unique visitors, overall and per form of service;
    for a new location (first activity at most NEW_LOCATION_DAYS before the period end), unique
    visitors per month since its first activity. 2 queries."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    rows = _rows(
        f"WITH {cte} SELECT s.location_id, l.name, s.form, COUNT(*), COUNT(DISTINCT s.person) "
        f"FROM scoped s LEFT JOIN {LOC} l ON l.id = s.location_id GROUP BY 1, 2, 3 "
        f"UNION ALL SELECT s.location_id, l.name, '*', COUNT(*), COUNT(DISTINCT s.person) "
        f"FROM scoped s LEFT JOIN {LOC} l ON l.id = s.location_id GROUP BY 1, 2, 3",
        params,
    )
    locations: dict[Any, dict] = {}
    for loc_id, name, form, parts, unique in rows:
        key = loc_id if loc_id is not None else UNKNOWN
        entry = locations.setdefault(
            key,
            {
                "location_id": loc_id,
                "name": name or "",
                "participations": 0,
                "unique_visitors": 0,
                "by_service_form": {f: {"participations": 0, "unique": 0} for f in FORMS},
            },
        )
        if form == "*":
            entry["participations"], entry["unique_visitors"] = int(parts), int(unique)
        else:
            entry["by_service_form"][form] = {"participations": int(parts), "unique": int(unique)}

    db_sql, db_params = _digibank_filter(scope, "p.digibank_id")
    loc_sql, loc_params = _location_filter(scope, "p.location_id")
    cutoff = scope.end - dt.timedelta(days=NEW_LOCATION_DAYS)
    ramp_rows = _rows(
        f"WITH lf AS (SELECT p.location_id, MIN(p.occurred_on) AS first_on FROM {P} p "
        f"WHERE p.location_id IS NOT NULL AND p.occurred_on <= %s{db_sql}{loc_sql} "
        f"GROUP BY p.location_id) "
        f"SELECT lf.location_id, l.name, lf.first_on, {_month('p.occurred_on')}, "
        f"COUNT(DISTINCT {PERSON}) "
        f"FROM lf JOIN {LOC} l ON l.id = lf.location_id "
        f"JOIN {P} p ON p.location_id = lf.location_id AND p.occurred_on >= lf.first_on "
        f"AND p.occurred_on <= %s {MERGE_JOIN} "
        f"WHERE lf.first_on >= %s GROUP BY 1, 2, 3, 4",
        [scope.end, *db_params, *loc_params, scope.end, cutoff],
    )
    ramp: dict[int, dict] = {}
    for loc_id, name, first_on, month, unique in ramp_rows:
        entry = ramp.setdefault(
            loc_id,
            {"location_id": loc_id, "name": name, "first_activity": str(first_on), "months": {}},
        )
        entry["months"][month] = int(unique)
    new_locations = []
    for entry in ramp.values():
        first = dt.date.fromisoformat(entry["first_activity"])
        entry["by_month"] = [
            {"month": m, "unique": entry["months"].get(m, 0)}
            for m in months_between(first, scope.end)
        ]
        del entry["months"]
        new_locations.append(entry)
    return {
        "locations": sorted(
            locations.values(), key=lambda e: (-e["unique_visitors"], e["name"] or "~")
        ),
        "new_locations": sorted(new_locations, key=lambda e: e["first_activity"]),
    }


def _cross_target_groups(scope: Scope, key_column: str, join_sql: str, label_column: str) -> dict:
    cte, params = _scoped_cte(scope)
    tg = _target_group_sql()
    rows = _rows(
        f"WITH {cte} SELECT {key_column}, {label_column}, {tg}, COUNT(DISTINCT s.person) "
        f"FROM (SELECT DISTINCT location_id, org, person FROM scoped WHERE person IS NOT NULL) s "
        f"{_pv_join('s.person', scope)} {join_sql} "
        f"{_vtg_join('pv.id', scope)} "
        f"LEFT JOIN {TG} tg ON tg.id = vtg.targetgroup_id GROUP BY 1, 2, 3 "
        f"UNION ALL SELECT {key_column}, {label_column}, '*', COUNT(DISTINCT s.person) "
        f"FROM scoped s {join_sql} WHERE s.person IS NOT NULL GROUP BY 1, 2, 3",
        params,
    )
    result: dict[Any, dict] = {}
    for key, label, group, count in rows:
        entry = result.setdefault(
            key if key is not None else UNKNOWN,
            {
                "id": key,
                "name": label or "",
                "unique_visitors": 0,
                "target_groups": dict.fromkeys(_categories("target_groups"), 0),
            },
        )
        if group == "*":
            entry["unique_visitors"] = int(count)
        else:
            entry["target_groups"][group] = int(count)
    return {
        "rows": sorted(result.values(), key=lambda e: (-e["unique_visitors"], e["name"] or "~")),
        "note": "A visitor can belong to several target groups; rows do not add up.",
    }


def indicator_target_group_per_location(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """4. Unique visitors per location x target group ("unknown" included). 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    return _cross_target_groups(
        scope, "s.location_id", f"LEFT JOIN {LOC} l ON l.id = s.location_id", "l.name"
    )


# -- B. Referral and enrolment -------------------------------------------------------------------


def indicator_referrers(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """5. Unique visitors (and participations) per referring organisation, per organisation
    type and per channel; no organisation or channel recorded = "unknown". 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    join = f"LEFT JOIN {ORG} o ON o.id = s.org"
    rows = _rows(
        f"WITH {cte} "
        f"SELECT 'organisation', CAST(s.org AS VARCHAR(20)), o.name, COUNT(*), "
        f"COUNT(DISTINCT s.person) FROM scoped s {join} GROUP BY 1, 2, 3 "
        f"UNION ALL SELECT 'organisation_type', o.type, '', COUNT(*), COUNT(DISTINCT s.person) "
        f"FROM scoped s {join} GROUP BY 1, 2, 3 "
        f"UNION ALL SELECT 'channel', s.channel, '', COUNT(*), COUNT(DISTINCT s.person) "
        f"FROM scoped s GROUP BY 1, 2, 3 "
        f"UNION ALL SELECT 'total', '', '', COUNT(*), COUNT(DISTINCT s.person) FROM scoped s",
        params,
    )
    result: dict[str, Any] = {
        "by_organisation": [],
        "by_organisation_type": {},
        "by_channel": {c: {"participations": 0, "unique": 0} for c in ReferrerChannel.values},
    }
    total_unique = 0
    for kind, key, label, parts, unique in rows:
        value = {"participations": int(parts), "unique": int(unique)}
        if kind == "organisation":
            result["by_organisation"].append(
                {"id": int(key) if key else None, "name": label or "", **value}
            )
        elif kind == "organisation_type":
            result["by_organisation_type"][key or UNKNOWN] = value
        elif kind == "channel":
            result["by_channel"][key or UNKNOWN] = value
        else:
            total_unique = int(unique)
    result["by_organisation_type"].setdefault(UNKNOWN, {"participations": 0, "unique": 0})
    result["by_organisation"].sort(key=lambda e: (e["id"] is None, -e["unique"], e["name"]))
    result["unique_visitors"] = total_unique
    result["note"] = "A visitor referred by several organisations counts once in each row."
    return result


def indicator_target_group_per_referrer(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """6. Unique visitors per referring organisation x target group. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    return _cross_target_groups(scope, "s.org", f"LEFT JOIN {ORG} o ON o.id = s.org", "o.name")


def indicator_destinations(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """7. Outgoing referrals made by digihelpers (help questions with outcome "referred"), per
    destination: an external organisation (or a typed name) or an internal service. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    rows = _rows(
        f"WITH {cte} SELECT hq.outcome, hq.referred_to_organisation_id, o.name, "
        f"LOWER(hq.referred_to_text), MAX(hq.referred_to_text), hq.referred_internal_to, "
        f"COUNT(*), COUNT(DISTINCT s.person) "
        f"FROM scoped s {_hq_join(scope)} "
        f"LEFT JOIN {ORG} o ON o.id = hq.referred_to_organisation_id "
        f"WHERE hq.outcome IN ('referred_external', 'referred_internal') "
        f"GROUP BY 1, 2, 3, 4, 6 "
        f"UNION ALL SELECT 'total', NULL, NULL, NULL, NULL, NULL, COUNT(*), "
        f"COUNT(DISTINCT s.person) FROM scoped s {_hq_join(scope)}",
        params,
    )
    external, internal = [], {d: {"questions": 0, "unique": 0} for d in InternalDestination.values}
    total_questions = 0
    for outcome, org_id, org_name, _text_key, text, internal_to, questions, unique in rows:
        if outcome == "total":
            total_questions = int(questions)
        elif outcome == Outcome.REFERRED_EXTERNAL:
            external.append(
                {
                    "organisation_id": org_id,
                    "name": org_name or text or "",
                    "questions": int(questions),
                    "unique": int(unique),
                }
            )
        else:
            internal[internal_to or UNKNOWN] = {"questions": int(questions), "unique": int(unique)}
    external.sort(key=lambda e: (-e["questions"], e["name"]))
    referred = sum(e["questions"] for e in external) + sum(
        v["questions"] for v in internal.values()
    )
    return {
        "help_questions": total_questions,
        "referred": pct(referred, total_questions),
        "external": external,
        "external_total": pct(sum(e["questions"] for e in external), total_questions),
        "internal": internal,
        "internal_total": pct(sum(v["questions"] for v in internal.values()), total_questions),
    }


def indicator_internal_referral(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """8. Among returning visitors, the transitions between forms of service (one participation
    to the next one of another form, in time order) and the share that followed a recorded
    internal referral: the next participation came through the channel "internal referral", or
    the previous one had a help question referred internally to exactly that form. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    rows = _rows(
        f"WITH {cte}, seq AS (SELECT s.person, s.pid, s.form, s.channel, "
        f"LAG(s.form) OVER (PARTITION BY s.person ORDER BY s.occurred_at, s.pid) AS prev_form, "
        f"LAG(s.pid) OVER (PARTITION BY s.person ORDER BY s.occurred_at, s.pid) AS prev_pid "
        f"FROM scoped s WHERE s.person IS NOT NULL), "
        f"ret AS (SELECT person FROM scoped WHERE person IS NOT NULL GROUP BY person "
        f"HAVING COUNT(DISTINCT occurred_on) >= 2) "
        f"SELECT seq.prev_form, seq.form, COUNT(*), SUM(CASE WHEN seq.channel = "
        f"'internal_referral' OR EXISTS (SELECT 1 FROM {HQ} hq WHERE hq.participation_id = "
        f"seq.prev_pid AND hq.outcome = 'referred_internal' AND hq.referred_internal_to = "
        f"seq.form) THEN 1 ELSE 0 END), COUNT(DISTINCT seq.person) "
        f"FROM seq JOIN ret ON ret.person = seq.person "
        f"WHERE seq.prev_form IS NOT NULL AND seq.prev_form <> seq.form GROUP BY 1, 2 "
        f"UNION ALL SELECT '*', '*', COUNT(*), 0, 0 FROM ret",
        params,
    )
    transitions, total, referred, returning = [], 0, 0, 0
    for prev_form, form, count, with_referral, people in rows:
        if prev_form == "*":
            returning = int(count)
            continue
        total += int(count)
        referred += int(with_referral or 0)
        transitions.append(
            {
                "from": prev_form,
                "to": form,
                "transitions": int(count),
                "visitors": int(people),
                "after_internal_referral": pct(int(with_referral or 0), int(count)),
            }
        )
    transitions.sort(key=lambda t: (-t["transitions"], t["from"], t["to"]))
    return {
        "returning_visitors": returning,
        "transitions": transitions,
        "total_transitions": total,
        "after_internal_referral": pct(referred, total),
    }


# -- C. Help given -------------------------------------------------------------------------------


def indicator_help_questions(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """9. Help questions per category, per concerned service, per kind of activity (digipunt vs
    digicafé ...), category x kind of activity, the share with a content side, and the outcome.
    Questions at anonymous participations count. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    content = "SUM(CASE WHEN content THEN 1 ELSE 0 END)"
    rows = _rows(
        f"WITH {cte}, hqs AS (SELECT hq.id AS hid, hq.outcome, hq.has_content_side AS content, "
        f"hq.concerned_service_key AS skey, hq.concerned_service AS sname, s.activity_kind "
        f"FROM scoped s {_hq_join(scope)}), "
        f"cats AS (SELECT h.hid, h.content, h.activity_kind, hc.code, hc.name FROM hqs h "
        f"{_hqc_join('h.hid', scope)} JOIN {HC} hc ON hc.id = hqc.helpcategory_id) "
        f"SELECT 'total', '', '', COUNT(*), {content} FROM hqs "
        f"UNION ALL SELECT 'outcome', outcome, '', COUNT(*), {content} FROM hqs GROUP BY 2 "
        f"UNION ALL SELECT 'activity_kind', activity_kind, '', COUNT(*), {content} FROM hqs "
        f"GROUP BY 2 "
        f"UNION ALL SELECT 'service', skey, MAX(sname), COUNT(*), {content} FROM hqs GROUP BY 2 "
        f"UNION ALL SELECT 'category', code, MAX(name), COUNT(DISTINCT hid), {content} "
        f"FROM cats GROUP BY 2 "
        f"UNION ALL SELECT 'category_activity', code, activity_kind, COUNT(DISTINCT hid), 0 "
        f"FROM cats GROUP BY 2, 3",
        params,
    )
    total = content_total = 0
    outcomes = dict.fromkeys(Outcome.values, 0)
    kinds: dict[str, dict] = {}
    services, categories = [], []
    cross: dict[str, dict[str, int]] = defaultdict(dict)
    for dim, key, label, questions, with_content in rows:
        questions, with_content = int(questions), int(with_content or 0)
        if dim == "total":
            total, content_total = questions, with_content
        elif dim == "outcome":
            outcomes[key] = questions
        elif dim == "activity_kind":
            kinds[key or UNKNOWN] = {"questions": questions, "content_side": with_content}
        elif dim == "service":
            services.append(
                {
                    "key": key or UNKNOWN,
                    "name": label or "",
                    "questions": questions,
                    "content_side": pct(with_content, questions),
                }
            )
        elif dim == "category":
            categories.append(
                {"code": key, "name": label, "questions": questions, "content_side": with_content}
            )
        else:
            cross[key][label or UNKNOWN] = questions
    for kind, value in kinds.items():
        kinds[kind] = {
            "questions": value["questions"],
            "content_side": pct(value["content_side"], value["questions"]),
        }
    services.sort(key=lambda e: (e["key"] == UNKNOWN, -e["questions"], e["key"]))
    categories.sort(key=lambda e: (-e["questions"], e["code"]))
    for category in categories:
        category["content_side"] = pct(category["content_side"], category["questions"])
        category["by_activity_kind"] = cross.get(category["code"], {})
    return {
        "questions": total,
        "content_side": pct(content_total, total),
        "by_outcome": {k: pct(v, total) for k, v in outcomes.items()},
        "by_activity_kind": kinds,
        "by_category": categories,
        "by_concerned_service": services,
        "note": "A question can have several categories.",
    }


def indicator_slot_occupancy(
    *, digibank_ids: list[int] | None, start: dt.date, end: dt.date, location_id: int | None = None
) -> dict:
    """Indicator 10: occupancy of appointment slots, computed by the sessions app."""
    from sessions_app.selectors import indicator_slot_occupancy as compute

    data = compute(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    return {"available": True, **data}


def indicator_loans(
    *, digibank_ids: list[int] | None, start: dt.date, end: dt.date, location_id: int | None = None
) -> dict:
    """Indicator 11: number and duration of hardware loans, computed by the lending app."""
    from lending.selectors import indicator_loans as compute

    data = compute(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    return {"available": True, **data}


def indicator_borrowers(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """12. Borrowers (visitors with a `lending` participation in the period) next to the other
    visitors: age band, gender, language, education, employment, target groups, referrer
    channel. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    profile = _profile(
        scope,
        "SELECT CASE WHEN MAX(CASE WHEN form = 'lending' THEN 1 ELSE 0 END) = 1 "
        "THEN 'borrowers' ELSE 'others' END AS grp, person FROM scoped "
        "WHERE person IS NOT NULL GROUP BY person",
        [],
        ["borrowers", "others"],
        referrer=True,
    )
    borrowers = sum(profile["borrowers"]["gender"].values())
    others = sum(profile["others"]["gender"].values())
    return {
        "borrowers": pct(borrowers, borrowers + others),
        "others": others,
        "profile": profile,
        "note": "Referrer channel: a visitor counts once for every channel they came through.",
    }


INDICATORS: dict[str, tuple[str, Callable[..., dict]]] = {
    "1": ("unique_visitors", indicator_unique_visitors),
    "2": ("returning_visitors", indicator_returning_visitors),
    "3": ("locations", indicator_locations),
    "4": ("target_group_per_location", indicator_target_group_per_location),
    "5": ("referrers", indicator_referrers),
    "6": ("target_group_per_referrer", indicator_target_group_per_referrer),
    "7": ("destinations", indicator_destinations),
    "8": ("internal_referral", indicator_internal_referral),
    "9": ("help_questions", indicator_help_questions),
    "10": ("slot_occupancy", indicator_slot_occupancy),
    "11": ("loans", indicator_loans),
    "12": ("borrowers", indicator_borrowers),
}


# -- Profiles, completeness, evolution -----------------------------------------------------------


def profile_by_service_form(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """Per form of service: unique visitors per category of each profile field. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    return _profile(
        scope,
        "SELECT DISTINCT form AS grp, person FROM scoped WHERE person IS NOT NULL",
        [],
        FORMS,
    )


def profile_new_and_cumulative(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """Profile of the period's unique visitors ("period"), the new ones ("new") and everyone
    since the digibank's start ("cumulative"). 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    firsts, firsts_params = _firsts_cte(scope)
    db_sql, db_params = _digibank_filter(scope, "p.digibank_id")
    loc_sql, loc_params = _location_filter(scope, "p.location_id")
    at_location = ""
    if scope.location_id is not None:
        at_location = " AND f.person IN (SELECT person FROM scoped WHERE person IS NOT NULL)"
    people = (
        f"WITH {firsts} "
        f"SELECT 'period' AS grp, person FROM scoped WHERE person IS NOT NULL "
        f"UNION ALL SELECT 'new', f.person FROM firsts f WHERE f.first_on >= %s{at_location} "
        f"UNION ALL SELECT DISTINCT 'cumulative', {PERSON} "
        f"FROM {P} p {MERGE_JOIN} JOIN {DB} d ON d.id = p.digibank_id "
        f"WHERE p.visitor_id IS NOT NULL AND p.occurred_on >= d.start_date "
        f"AND p.occurred_on <= %s{db_sql}{loc_sql}"
    )
    return _profile(
        scope,
        f"SELECT * FROM ({people}) AS x",
        [*firsts_params, scope.start, scope.end, *db_params, *loc_params],
        ["period", "new", "cumulative"],
    )


def completeness(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """Share of the period's unique visitors with each profile field known. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    row = _rows(
        f"WITH {cte}, people AS (SELECT DISTINCT person FROM scoped WHERE person IS NOT NULL) "
        f"SELECT COUNT(*), "
        f"SUM(CASE WHEN pv.birth_year IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN pv.postcode <> '' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN pv.gender <> 'unknown' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN pv.language <> 'unknown' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN pv.education <> 'unknown' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN pv.employment <> 'unknown' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN EXISTS (SELECT 1 FROM {VTG} vtg WHERE vtg.visitor_id = pv.id) "
        f"THEN 1 ELSE 0 END) "
        f"FROM people pe {_pv_join('pe.person', scope)}",
        params,
    )[0]
    total = int(row[0])
    return {
        "unique_visitors": total,
        "fields": {
            field: pct(int(value or 0), total)
            for field, value in zip(COMPLETENESS_FIELDS, row[1:], strict=True)
        },
    }


def period_bounds(granularity: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The month, quarter, half year or year that contains `day`."""
    if granularity == "month":
        first = day.replace(day=1)
        months = 1
    elif granularity == "quarter":
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        months = 3
    elif granularity == "half_year":
        first = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
        months = 6
    elif granularity == "year":
        first = dt.date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(f"Unknown period kind {granularity!r}.")
    year, month = divmod(first.month - 1 + months, 12)
    after = dt.date(first.year + year, month + 1, 1)
    return first, after - dt.timedelta(days=1)


def consecutive_periods(
    granularity: str, end: dt.date, count: int
) -> list[tuple[dt.date, dt.date]]:
    """`count` consecutive periods ending with the one that contains `end`, oldest first."""
    periods = []
    day = end
    for _ in range(count):
        first, last = period_bounds(granularity, day)
        periods.append((first, last))
        day = first - dt.timedelta(days=1)
    return list(reversed(periods))


def evolution(
    *,
    indicator: str,
    digibank_ids: list[int] | None,
    end: dt.date,
    granularity: str = "month",
    count: int = 6,
    location_id: int | None = None,
) -> list[dict]:
    """Any indicator for `count` consecutive months / quarters / half years / years."""
    _name, func = INDICATORS[indicator]
    return [
        {
            "period": {"start": str(first), "end": str(last)},
            "value": func(
                digibank_ids=digibank_ids, start=first, end=last, location_id=location_id
            ),
        }
        for first, last in consecutive_periods(granularity, end, count)
    ]


def learning_indicators(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """All 12 indicators, the profile per form of service and the completeness: the JSON of
    `manage.py learning_indicators` (without the digibank/period header)."""
    scope = {
        "digibank_ids": digibank_ids,
        "start": start,
        "end": end,
        "location_id": location_id,
    }
    return {
        "indicators": {key: func(**scope) for key, (_name, func) in INDICATORS.items()},
        "profile_by_service_form": profile_by_service_form(**scope),
        "completeness": completeness(**scope),
    }


# -- Department: per digibank, cross-digibank uniqueness, the pseudonymous list --------------------


def digibank_summaries(*, digibank_ids: list[int] | None, start: dt.date, end: dt.date) -> dict:
    """Per digibank: unique visitors, new, participations, cumulative and target; and the
    number of distinct pseudonymous codes across all of them (a person registered in two
    digibanks counts once). 2 queries."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end)
    cte, params = _scoped_cte(scope)
    firsts, firsts_params = _firsts_cte(scope)
    db_sql, db_params = _digibank_filter(scope, "d.id")
    pdb_sql, pdb_params = _digibank_filter(scope, "p.digibank_id")
    rows = _rows(
        f"WITH {cte}, {firsts}, "
        f"per AS (SELECT digibank_id, COUNT(*) AS parts, COUNT(DISTINCT person) AS uniq "
        f"FROM scoped GROUP BY digibank_id), "
        f"nw AS (SELECT pv.digibank_id, COUNT(*) AS n FROM firsts f JOIN {V} pv "
        f"ON pv.id = f.person WHERE f.first_on >= %s GROUP BY pv.digibank_id), "
        f"cum AS (SELECT p.digibank_id, COUNT(DISTINCT {PERSON}) AS n "
        f"FROM {P} p {MERGE_JOIN} JOIN {DB} d2 ON d2.id = p.digibank_id "
        f"WHERE p.visitor_id IS NOT NULL AND p.occurred_on >= d2.start_date "
        f"AND p.occurred_on <= %s{pdb_sql} GROUP BY p.digibank_id) "
        f"SELECT d.id, d.slug, d.name, d.target_unique_visitors, COALESCE(per.parts, 0), "
        f"COALESCE(per.uniq, 0), COALESCE(nw.n, 0), COALESCE(cum.n, 0) FROM {DB} d "
        f"LEFT JOIN per ON per.digibank_id = d.id LEFT JOIN nw ON nw.digibank_id = d.id "
        f"LEFT JOIN cum ON cum.digibank_id = d.id WHERE 1 = 1{db_sql} ORDER BY d.name",
        [*params, *firsts_params, scope.start, scope.end, *pdb_params, *db_params],
    )
    digibanks = [
        {
            "digibank_id": r[0],
            "slug": r[1],
            "name": r[2],
            "target": int(r[3]),
            "participations": int(r[4]),
            "unique_visitors": int(r[5]),
            "new": int(r[6]),
            "cumulative": int(r[7]),
            "progress": pct(int(r[7]), int(r[3])),
        }
        for r in rows
    ]
    codes = _rows(
        f"WITH {cte} SELECT COUNT(DISTINCT pv.pseudonymous_code) FROM scoped s "
        f"{_pv_join('s.person', scope)}",
        params,
    )[0][0]
    return {
        "digibanks": digibanks,
        "sum_of_unique_visitors": sum(d["unique_visitors"] for d in digibanks),
        "unique_across_digibanks": int(codes),
    }


def birth_year_band(birth_year: int | None) -> str:
    """Five-year band of the birth year ("1955-1959"), never the year itself."""
    if not birth_year:
        return UNKNOWN
    low = birth_year - birth_year % 5
    return f"{low}-{low + 4}"


def pseudonymous_visitors(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> list[dict]:
    """One row per unique visitor of the period: pseudonymous code, birth-year band, gender,
    postcode, target groups, first participation ever, forms of service used in the period.
    No name, no contact details, no birth year. 2 queries."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    firsts, firsts_params = _firsts_cte(scope)
    flags = ", ".join(f"per.f_{i}" for i in range(len(FORMS)))
    rows = _rows(
        f"WITH {cte}, {firsts}, per AS (SELECT person, {_form_flags_sql()} FROM scoped "
        f"WHERE person IS NOT NULL GROUP BY person) "
        f"SELECT pv.id, d.slug, pv.pseudonymous_code, pv.birth_year, pv.gender, pv.postcode, "
        f"f.first_on, pv.target_groups_answer, {flags} FROM per "
        f"{_pv_join('per.person', scope)} JOIN {DB} d ON d.id = pv.digibank_id "
        f"LEFT JOIN firsts f ON f.person = per.person ORDER BY d.slug, pv.pseudonymous_code",
        [*params, *firsts_params],
    )
    groups: dict[int, list[str]] = defaultdict(list)
    for visitor_id, code in _rows(
        f"WITH {cte} SELECT vtg.visitor_id, tg.code FROM {VTG} vtg "
        f"JOIN {TG} tg ON tg.id = vtg.targetgroup_id WHERE vtg.visitor_id IN "
        f"(SELECT person FROM scoped WHERE person IS NOT NULL) ORDER BY tg.code",
        params,
    ):
        groups[visitor_id].append(code)
    result = []
    for row in rows:
        visitor_id, slug, code, birth_year, gender, postcode, first_on, answer = row[:8]
        tgs = groups.get(visitor_id) or [DECLINED if answer == DECLINED else UNKNOWN]
        result.append(
            {
                "digibank": slug,
                "code": code,
                "birth_year_band": birth_year_band(birth_year),
                "gender": gender or UNKNOWN,
                "postcode": postcode or UNKNOWN,
                "target_groups": tgs,
                "first_participation": str(first_on) if first_on else "",
                "forms_of_service": [f for f, used in zip(FORMS, row[8:], strict=True) if used],
            }
        )
    return result


# -- Signals to service providers ----------------------------------------------------------------


def signal_report(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
    service_key: str | None = None,
) -> list[dict]:
    """Per concerned service (HelpQuestion.concerned_service_key): help questions per month,
    the share with a content side, the outcomes and the typical (most frequent) outcome.
    Aggregates only: no visitor, no note, no name. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    key_sql, key_params = "", []
    if service_key is not None:
        key_sql, key_params = " WHERE hq.concerned_service_key = %s", [service_key]
    base = f"FROM scoped s {_hq_join(scope)}{key_sql}"
    content = "SUM(CASE WHEN hq.has_content_side THEN 1 ELSE 0 END)"
    rows = _rows(
        f"WITH {cte} "
        f"SELECT 'total', hq.concerned_service_key, MAX(hq.concerned_service), COUNT(*), "
        f"{content} {base} GROUP BY 2 "
        f"UNION ALL SELECT 'month', hq.concerned_service_key, {_month('s.occurred_on')}, "
        f"COUNT(*), {content} {base} GROUP BY 2, 3 "
        f"UNION ALL SELECT 'outcome', hq.concerned_service_key, hq.outcome, COUNT(*), 0 "
        f"{base} GROUP BY 2, 3",
        [*params, *key_params, *key_params, *key_params],
    )
    services: dict[str, dict] = {}
    months = months_between(scope.start, scope.end)
    for dim, key, label, questions, with_content in rows:
        entry = services.setdefault(
            key or UNKNOWN,
            {
                "key": key or UNKNOWN,
                "name": "",
                "questions": 0,
                "content_side": None,
                "by_month": {m: {"questions": 0, "content_side": 0} for m in months},
                "by_outcome": dict.fromkeys(Outcome.values, 0),
            },
        )
        questions, with_content = int(questions), int(with_content or 0)
        if dim == "total":
            entry["name"] = label or ""
            entry["questions"] = questions
            entry["content_side"] = pct(with_content, questions)
        elif dim == "month":
            entry["by_month"][label] = {"questions": questions, "content_side": with_content}
        else:
            entry["by_outcome"][label] = questions
    result = []
    for entry in services.values():
        entry["by_month"] = [{"month": m, **v} for m, v in entry["by_month"].items()]
        typical = max(entry["by_outcome"].items(), key=lambda kv: (kv[1], kv[0] == "solved"))
        entry["typical_outcome"] = typical[0] if typical[1] else None
        entry["by_outcome"] = {
            k: pct(v, entry["questions"]) for k, v in entry["by_outcome"].items()
        }
        result.append(entry)
    result.sort(key=lambda e: (e["key"] == UNKNOWN, -e["questions"], e["key"]))
    return result


def activity_kinds() -> list[str]:
    return list(ActivityKind.values)


def participations_by_activity(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """Participations and unique visitors per form of service x kind of activity. 1 query."""
    scope = Scope.of(digibank_ids=digibank_ids, start=start, end=end, location_id=location_id)
    cte, params = _scoped_cte(scope)
    rows = _rows(
        f"WITH {cte} SELECT form, activity_kind, COUNT(*), COUNT(DISTINCT person) FROM scoped "
        f"GROUP BY 1, 2",
        params,
    )
    result: dict[str, dict] = {form: {} for form in FORMS}
    for form, kind, parts, unique in rows:
        result[form][kind or UNKNOWN] = {"participations": int(parts), "unique": int(unique)}
    return result
