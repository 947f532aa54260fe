"""A small fixed dataset whose indicators are computed by hand in test_indicators.py.

Digibank "tienen" (start 2024-01-01, target 1000), period March 2025:

- A: female, Dutch, 1960, ISCED 0-2, retired, target groups 55-74 + low income. First
  participation through M (merged into A) on 2024-01-15. March: 03-03 digipunt (referred by
  OCMW; help question on MyMinfin, content side, referred internally to training), 03-10
  training (channel internal referral), 03-20 computer room via a participation still pointing
  at M (left behind by a merge: must count for A).
- B: male, other language, 1990, job seeker (target group job seeker). New: 03-05 lending and
  computer room at the new location L2 (channel VDAB).
- C: nothing known but the name. New: 03-31 23:30 Brussels time (counts), 04-01 00:30 (the
  next day: does not). Help question on itsme, solved.
- E: female, Dutch, 1950, ISCED 3-4, retired, target groups declined. 02-10 training, then two
  trainings on 03-12 (one day), referred by the library.
- F: only 2023-12-15, before the digibank's start (not in the cumulative count).
- Two anonymous participations (03-03 digipunt with a question referred to OCMW; 03-10 training).
- G in another digibank, with A's name and birth year (same pseudonymous code).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from digibank.models import Organisation
from registration.hooks import digibank_created
from registration.models import HelpCategory, TargetGroup
from registration.services import help_question_record
from tests.factories import LocationFactory, OrganisationFactory
from tests.registration_factories import ParticipationFactory, VisitorFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BRUSSELS)


def groups(digibank, *codes):
    return list(TargetGroup.objects.filter(digibank=digibank, code__in=codes))


@pytest.fixture
def dataset(digibank, other_digibank):
    digibank_created(digibank)
    digibank_created(other_digibank)
    l1 = LocationFactory(digibank=digibank, name="Bibliotheek Tienen", slug="bib")
    l2 = LocationFactory(digibank=digibank, name="'t Recupke Landen", slug="recupke")
    ocmw = OrganisationFactory(
        digibank=digibank, name="OCMW Tienen", type=Organisation.Type.SOCIAL_SERVICES
    )
    bib = OrganisationFactory(
        digibank=digibank, name="Bibliotheek Tienen", type=Organisation.Type.LIBRARY
    )

    a = VisitorFactory(
        digibank=digibank,
        first_name="Anna",
        last_name="Peeters",
        birth_year=1960,
        gender="female",
        language="dutch",
        education="isced_0_2",
        employment="retired",
        target_groups_answer="given",
    )
    a.target_groups.set(groups(digibank, "age_55_74", "low_income"))
    m = VisitorFactory(
        digibank=digibank,
        first_name="Ana",
        last_name="Peters",
        birth_year=1960,
        gender="male",
        merged_into=a,
    )
    b = VisitorFactory(
        digibank=digibank,
        first_name="Bram",
        last_name="Janssens",
        birth_year=1990,
        gender="male",
        language="other",
        employment="job_seeker",
        target_groups_answer="given",
    )
    b.target_groups.set(groups(digibank, "job_seeker"))
    c = VisitorFactory(
        digibank=digibank, first_name="Chris", last_name="Wouters", birth_year=None, postcode=""
    )
    e = VisitorFactory(
        digibank=digibank,
        first_name="Els",
        last_name="Maes",
        birth_year=1950,
        gender="female",
        language="dutch",
        education="isced_3_4",
        employment="retired",
        target_groups_answer="declined",
    )
    f = VisitorFactory(digibank=digibank, first_name="Frans", last_name="Claes")
    g = VisitorFactory(
        digibank=other_digibank,
        first_name="Anna",
        last_name="Peeters",
        birth_year=1960,
        gender="female",
    )

    def part(visitor, day, form, *, time="10:00", location=l1, anonymous=False, **extra):
        return ParticipationFactory(
            digibank=visitor.digibank if visitor else digibank,
            visitor=None if anonymous else visitor,
            occurred_at=at(day, time),
            form_of_service=form,
            location=location,
            **extra,
        )

    part(m, "2024-01-15", "individual_support")
    part(a, "2024-06-10", "individual_support")
    p1 = part(
        a,
        "2025-03-03",
        "individual_support",
        referrer_organisation=ocmw,
        referrer_channel="ocmw",
        activity_kind="digipunt_walk_in",
    )
    part(
        a, "2025-03-10", "training", referrer_channel="internal_referral", activity_kind="workshop"
    )
    part(m, "2025-03-20", "computer_room", activity_kind="computer_room")
    part(b, "2025-03-05", "lending", location=l2, referrer_channel="vdab", activity_kind="loan")
    part(b, "2025-03-05", "computer_room", time="11:00", location=l2, referrer_channel="vdab")
    p6 = part(
        c, "2025-03-31", "individual_support", time="23:30", activity_kind="digipunt_appointment"
    )
    part(c, "2025-04-01", "individual_support", time="00:30")
    part(e, "2025-02-10", "training", activity_kind="workshop")
    for time in ("10:00", "15:00"):
        part(
            e,
            "2025-03-12",
            "training",
            time=time,
            referrer_organisation=bib,
            referrer_channel="library",
            activity_kind="workshop",
        )
    part(f, "2023-12-15", "individual_support", location=None)
    p9 = part(
        None, "2025-03-03", "individual_support", anonymous=True, activity_kind="digipunt_walk_in"
    )
    part(None, "2025-03-10", "training", anonymous=True)
    part(g, "2025-03-04", "individual_support", location=None)

    cat = {c.code: c for c in HelpCategory.objects.all()}
    help_question_record(
        participation=p1,
        categories=[cat["tax"], cat["government_login"]],
        actor=None,
        concerned_service="MyMinfin",
        has_content_side=True,
        outcome="referred_internal",
        referred_internal_to="training",
    )
    help_question_record(
        participation=p6,
        categories=[cat["banking"]],
        actor=None,
        concerned_service="itsme",
        outcome="solved",
    )
    help_question_record(
        participation=p9,
        categories=[cat["tax"]],
        actor=None,
        concerned_service="MyMinfin ",
        has_content_side=True,
        outcome="referred_external",
        referred_to_organisation=ocmw,
    )
    return SimpleNamespace(
        digibank=digibank,
        other=other_digibank,
        l1=l1,
        l2=l2,
        ocmw=ocmw,
        bib=bib,
        a=a,
        m=m,
        b=b,
        c=c,
        e=e,
        f=f,
        g=g,
    )
