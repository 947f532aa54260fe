"""Every indicator against numbers computed by hand on the dataset in conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting import indicators as ind
from tests.reporting.conftest import MARCH

pytestmark = pytest.mark.django_db


def scope(data, **extra):
    return {"digibank_ids": [data.digibank.pk], **MARCH, **extra}


def test_it_counts_unique_new_known_and_cumulative_visitors(dataset):
    result = ind.indicator_unique_visitors(**scope(dataset))
    assert result["total"] == 4  # A (with M's participation), B, C, E; anonymous never
    assert result["new"] == 2  # B and C
    assert result["already_known"] == 2
    assert result["cumulative"] == 4  # F came before the digibank's start
    assert result["target"] == 1000
    assert result["progress"] == {"count": 4, "denominator": 1000, "percent": 0.4}
    assert result["participations"] == 10
    assert result["anonymous_participations"] == 2
    assert result["by_service_form"] == {
        "individual_support": 2,
        "training": 2,
        "lending": 1,
        "computer_room": 2,
    }
    assert result["participations_by_service_form"] == {
        "individual_support": 3,
        "training": 4,
        "lending": 1,
        "computer_room": 2,
    }
    assert result["by_month"] == [{"month": "2025-03", "unique": 4, "new": 2, "participations": 10}]


def test_it_counts_the_last_day_of_the_period_but_not_the_next_brussels_day(dataset):
    last_day = ind.indicator_unique_visitors(
        **scope(dataset, start=dt.date(2025, 3, 31), end=dt.date(2025, 3, 31))
    )
    assert last_day["total"] == 1 and last_day["new"] == 1  # C at 23:30 on 31 March
    april = ind.indicator_unique_visitors(
        **scope(dataset, start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 30))
    )
    assert april["total"] == 1 and april["new"] == 0  # C again at 00:30 on 1 April
    assert april["participations"] == 1


def test_it_limits_to_a_location(dataset):
    result = ind.indicator_unique_visitors(**scope(dataset, location_id=dataset.l2.pk))
    assert result["total"] == 1
    assert result["new"] == 1
    assert result["cumulative"] == 1
    assert result["by_service_form"]["lending"] == 1


def test_it_finds_returning_visitors_and_their_combinations(dataset):
    result = ind.indicator_returning_visitors(**scope(dataset))
    assert result["returning"] == {"count": 1, "denominator": 4, "percent": 25.0}
    assert result["one_time"]["count"] == 3
    assert result["combinations_returning"] == {"individual_support+training+computer_room": 1}
    assert result["combinations_all"] == {
        "individual_support+training+computer_room": 1,
        "lending+computer_room": 1,
        "individual_support": 1,
        "training": 1,
    }
    assert result["returning_using_several_forms"]["count"] == 1
    # A's profile, not the merged record's (M is male).
    assert result["profile"]["returning"]["gender"]["female"] == 1
    assert result["profile"]["returning"]["gender"]["male"] == 0
    assert result["profile"]["one_time"]["gender"] == {"female": 1, "male": 1, "x": 0, "unknown": 1}
    assert result["profile"]["one_time"]["age_band"]["unknown"] == 1


def test_it_counts_per_location_and_ramp_up_of_a_new_location(dataset):
    result = ind.indicator_locations(**scope(dataset))
    by_id = {row["location_id"]: row for row in result["locations"]}
    l1, l2 = by_id[dataset.l1.pk], by_id[dataset.l2.pk]
    assert (l1["participations"], l1["unique_visitors"]) == (8, 3)
    assert l1["by_service_form"]["individual_support"] == {"participations": 3, "unique": 2}
    assert l1["by_service_form"]["training"] == {"participations": 4, "unique": 2}
    assert l1["by_service_form"]["computer_room"] == {"participations": 1, "unique": 1}
    assert (l2["participations"], l2["unique_visitors"]) == (2, 1)
    assert [loc["location_id"] for loc in result["new_locations"]] == [dataset.l2.pk]
    assert result["new_locations"][0]["first_activity"] == "2025-03-05"
    assert result["new_locations"][0]["by_month"] == [{"month": "2025-03", "unique": 1}]


def test_it_crosses_location_and_target_group_with_unknown(dataset):
    rows = {r["id"]: r for r in ind.indicator_target_group_per_location(**scope(dataset))["rows"]}
    l1 = rows[dataset.l1.pk]
    assert l1["unique_visitors"] == 3
    assert l1["target_groups"]["age_55_74"] == 1
    assert l1["target_groups"]["low_income"] == 1
    assert l1["target_groups"]["unknown"] == 1  # C
    assert l1["target_groups"]["declined"] == 1  # E
    assert rows[dataset.l2.pk]["target_groups"]["job_seeker"] == 1


def test_it_counts_referrers_by_organisation_type_and_channel(dataset):
    result = ind.indicator_referrers(**scope(dataset))
    orgs = {row["id"]: row for row in result["by_organisation"]}
    assert orgs[dataset.ocmw.pk] | {} == {
        "id": dataset.ocmw.pk,
        "name": "OCMW Tienen",
        "participations": 1,
        "unique": 1,
    }
    assert orgs[dataset.bib.pk]["participations"] == 2 and orgs[dataset.bib.pk]["unique"] == 1
    assert orgs[None]["participations"] == 7 and orgs[None]["unique"] == 3
    assert result["by_channel"]["ocmw"] == {"participations": 1, "unique": 1}
    assert result["by_channel"]["vdab"] == {"participations": 2, "unique": 1}
    assert result["by_channel"]["library"] == {"participations": 2, "unique": 1}
    assert result["by_channel"]["unknown"] == {"participations": 4, "unique": 2}
    assert result["by_organisation_type"]["social_services"]["unique"] == 1
    assert result["by_organisation_type"]["unknown"] == {"participations": 7, "unique": 3}


def test_it_crosses_referrer_and_target_group(dataset):
    rows = {r["id"]: r for r in ind.indicator_target_group_per_referrer(**scope(dataset))["rows"]}
    assert rows[dataset.ocmw.pk]["target_groups"]["age_55_74"] == 1
    assert rows[dataset.bib.pk]["target_groups"]["declined"] == 1
    none = rows[None]
    assert none["unique_visitors"] == 3
    assert none["target_groups"]["job_seeker"] == 1
    assert none["target_groups"]["unknown"] == 1


def test_it_lists_destinations_of_referrals(dataset):
    result = ind.indicator_destinations(**scope(dataset))
    assert result["help_questions"] == 3
    assert result["referred"] == {"count": 2, "denominator": 3, "percent": 66.7}
    assert result["external"] == [
        {"organisation_id": dataset.ocmw.pk, "name": "OCMW Tienen", "questions": 1, "unique": 0}
    ]
    assert result["internal"]["training"] == {"questions": 1, "unique": 1}
    assert result["internal"]["lending"] == {"questions": 0, "unique": 0}


def test_it_finds_transitions_after_internal_referral(dataset):
    result = ind.indicator_internal_referral(**scope(dataset))
    assert result["returning_visitors"] == 1
    transitions = {(t["from"], t["to"]): t for t in result["transitions"]}
    assert set(transitions) == {
        ("individual_support", "training"),
        ("training", "computer_room"),
    }
    assert transitions[("individual_support", "training")]["after_internal_referral"]["count"] == 1
    assert transitions[("training", "computer_room")]["after_internal_referral"]["count"] == 0
    assert result["after_internal_referral"] == {"count": 1, "denominator": 2, "percent": 50.0}


def test_it_breaks_down_help_questions(dataset):
    result = ind.indicator_help_questions(**scope(dataset))
    assert result["questions"] == 3
    assert result["content_side"] == {"count": 2, "denominator": 3, "percent": 66.7}
    assert result["by_outcome"]["solved"]["count"] == 1
    assert result["by_outcome"]["referred_external"]["count"] == 1
    assert result["by_outcome"]["follow_up"]["count"] == 0
    assert result["by_activity_kind"]["digipunt_walk_in"]["questions"] == 2
    assert result["by_activity_kind"]["digipunt_appointment"]["content_side"]["count"] == 0
    services = {s["key"]: s for s in result["by_concerned_service"]}
    assert services["myminfin"]["questions"] == 2
    assert services["myminfin"]["content_side"]["percent"] == 100.0
    assert services["itsme"]["questions"] == 1
    categories = {c["code"]: c for c in result["by_category"]}
    assert categories["tax"]["questions"] == 2
    assert categories["government_login"]["questions"] == 1
    assert categories["banking"]["by_activity_kind"] == {"digipunt_appointment": 1}


def test_slot_occupancy_and_loans_come_from_the_sessions_and_lending_apps(dataset):
    from lending.selectors import indicator_loans
    from sessions_app.selectors import indicator_slot_occupancy

    for wrapped, computed in (
        (ind.indicator_slot_occupancy, indicator_slot_occupancy),
        (ind.indicator_loans, indicator_loans),
    ):
        result = wrapped(**scope(dataset))
        assert result == {"available": True, **computed(**scope(dataset))}
    assert ind.indicator_slot_occupancy(**scope(dataset))["totals"]["booked"] == 0
    assert ind.indicator_loans(**scope(dataset))["total"]["started"] == 0


def test_it_profiles_borrowers_next_to_others(dataset):
    result = ind.indicator_borrowers(**scope(dataset))
    assert result["borrowers"] == {"count": 1, "denominator": 4, "percent": 25.0}
    borrowers, others = result["profile"]["borrowers"], result["profile"]["others"]
    assert borrowers["gender"]["male"] == 1
    assert borrowers["language"]["other"] == 1
    assert borrowers["age_band"]["25_54"] == 1
    assert borrowers["target_groups"]["job_seeker"] == 1
    assert borrowers["referrer_channel"]["vdab"] == 1
    assert others["gender"] == {"female": 2, "male": 0, "x": 0, "unknown": 1}
    assert others["age_band"]["65_74"] == 1 and others["age_band"]["75_plus"] == 1
    assert others["referrer_channel"]["unknown"] == 2
    assert others["referrer_channel"]["library"] == 1


def test_it_profiles_each_form_of_service(dataset):
    result = ind.profile_by_service_form(**scope(dataset))
    assert set(result) == {"individual_support", "training", "lending", "computer_room"}
    assert result["individual_support"]["gender"]["female"] == 1
    assert result["individual_support"]["gender"]["unknown"] == 1
    assert result["individual_support"]["age_band"] == {
        "under_25": 0,
        "25_54": 0,
        "55_64": 0,
        "65_74": 1,
        "75_plus": 0,
        "unknown": 1,
    }
    assert result["training"]["gender"]["female"] == 2
    assert result["training"]["target_groups"]["declined"] == 1
    assert result["computer_room"]["gender"] == {"female": 1, "male": 1, "x": 0, "unknown": 0}
    assert result["lending"]["employment"]["job_seeker"] == 1


def test_it_measures_completeness(dataset):
    result = ind.completeness(**scope(dataset))
    assert result["unique_visitors"] == 4
    fields = {name: share["count"] for name, share in result["fields"].items()}
    assert fields == {
        "birth_year": 3,
        "postcode": 3,
        "gender": 3,
        "language": 3,
        "education": 2,
        "employment": 3,
        "target_groups": 2,
    }
    assert result["fields"]["education"]["percent"] == 50.0


def test_it_profiles_new_and_cumulative(dataset):
    result = ind.profile_new_and_cumulative(**scope(dataset))
    assert sum(result["period"]["gender"].values()) == 4
    assert sum(result["new"]["gender"].values()) == 2
    assert result["new"]["target_groups"]["job_seeker"] == 1
    assert sum(result["cumulative"]["gender"].values()) == 4


def test_evolution_gives_consecutive_periods(dataset):
    months = ind.evolution(
        indicator="1", digibank_ids=[dataset.digibank.pk], end=dt.date(2025, 4, 15), count=3
    )
    assert [m["period"]["start"] for m in months] == ["2025-02-01", "2025-03-01", "2025-04-01"]
    assert [m["value"]["total"] for m in months] == [1, 4, 1]
    quarters = ind.evolution(
        indicator="1",
        digibank_ids=[dataset.digibank.pk],
        end=dt.date(2025, 3, 1),
        granularity="quarter",
        count=2,
    )
    assert quarters[-1]["period"] == {"start": "2025-01-01", "end": "2025-03-31"}
    assert quarters[-1]["value"]["total"] == 4  # E's February training in the same quarter
    years = ind.evolution(
        indicator="1",
        digibank_ids=[dataset.digibank.pk],
        end=dt.date(2025, 1, 1),
        granularity="year",
        count=2,
    )
    assert [y["value"]["new"] for y in years] == [
        1,
        3,
    ]  # 2024: A (via M); 2025: B, C, E; F came in 2023


def test_department_scope_counts_each_pseudonymous_code_once(dataset):
    result = ind.digibank_summaries(digibank_ids=None, **MARCH)
    rows = {row["slug"]: row for row in result["digibanks"]}
    assert rows["tienen"]["unique_visitors"] == 4
    assert rows["tienen"]["new"] == 2
    assert rows["aalst"]["unique_visitors"] == 1
    assert result["sum_of_unique_visitors"] == 5
    assert result["unique_across_digibanks"] == 4  # G has A's identity
    everything = ind.indicator_unique_visitors(digibank_ids=None, **MARCH)
    assert everything["total"] == 5
    assert everything["target"] == 2000


def test_the_pseudonymous_list_has_codes_and_no_identity(dataset):
    rows = ind.pseudonymous_visitors(**scope(dataset))
    assert len(rows) == 4
    by_code = {row["code"]: row for row in rows}
    a = by_code[dataset.a.pseudonymous_code]
    assert a == {
        "digibank": "tienen",
        "code": dataset.a.pseudonymous_code,
        "birth_year_band": "1960-1964",
        "gender": "female",
        "postcode": "3300",
        "target_groups": ["age_55_74", "low_income"],
        "first_participation": "2024-01-15",  # through the merged record
        "forms_of_service": ["individual_support", "training", "computer_room"],
    }
    c = by_code[dataset.c.pseudonymous_code]
    assert c["birth_year_band"] == "unknown" and c["target_groups"] == ["unknown"]
    assert by_code[dataset.e.pseudonymous_code]["target_groups"] == ["declined"]


def test_signal_report_per_concerned_service(dataset):
    services = {s["key"]: s for s in ind.signal_report(**scope(dataset))}
    assert services["myminfin"]["questions"] == 2
    assert services["myminfin"]["content_side"]["count"] == 2
    assert services["myminfin"]["by_month"] == [
        {"month": "2025-03", "questions": 2, "content_side": 2}
    ]
    assert services["itsme"]["typical_outcome"] == "solved"
    only = ind.signal_report(**scope(dataset), service_key="itsme")
    assert [s["key"] for s in only] == ["itsme"]


def test_an_empty_digibank_list_counts_nothing(dataset):
    assert ind.indicator_unique_visitors(digibank_ids=[], **MARCH)["total"] == 0


def test_periods_follow_the_calendar():
    assert ind.period_bounds("quarter", dt.date(2025, 11, 5)) == (
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
    )
    assert ind.period_bounds("month", dt.date(2024, 2, 10)) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    with pytest.raises(ValueError):
        ind.Scope.of(digibank_ids=None, start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 1))
