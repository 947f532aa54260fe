"""Demo visitors and ledger: ~150 people, ~600 participations over the last 20 months.

Called by `seed_demo` (see digibank/demo.py) before the other apps' demo modules.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from registration.identity import fold
from registration.models import (
    ActivityKind,
    Education,
    Employment,
    FormOfService,
    Gender,
    HelpCategory,
    HelpQuestion,
    InternalDestination,
    Language,
    Outcome,
    Participation,
    ReferrerChannel,
    TargetGroup,
    TargetGroupAnswer,
    Visitor,
)
from registration.selectors import current_consent_text
from registration.services import assign_visitor_code, visitor_refresh_identity

FLEMISH_FIRST = {
    Gender.FEMALE: [
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
        "Francine",
        "Jeanine",
    ],
    Gender.MALE: [
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
        "Georges",
        "Karel",
    ],
}
FLEMISH_LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Vermeulen",
    "Van den Broeck",
    "Dubois",
    "Hermans",
    "Aerts",
    "Vandevelde",
    "Verhoeven",
    "Stevens",
    "Pauwels",
    "De Wit",
    "Coppens",
    "Van Damme",
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
]
NEWCOMER_NAMES = {
    Gender.FEMALE: [
        ("Fatima", "El Amrani"),
        ("Aïcha", "Benali"),
        ("Zeynep", "Yılmaz"),  # noqa: RUF001 (Turkish dotless i)
        ("Amina", "Haidari"),
        ("Olena", "Kovalenko"),
        ("Nour", "Al-Hassan"),
        ("Mariam", "Tesfay"),
        ("Khadija", "Ouali"),
        ("Agnieszka", "Nowak"),
        ("Samira", "Bouzid"),
        ("Yasmina", "Chaouki"),
        ("Iryna", "Shevchenko"),
        ("Hawa", "Diallo"),
        ("Layla", "Mansour"),
    ],
    Gender.MALE: [
        ("Mohamed", "El Idrissi"),
        ("Ahmed", "Benali"),
        ("Mustafa", "Demir"),
        ("Abdullah", "Rahimi"),
        ("Oleksandr", "Bondarenko"),
        ("Omar", "Al-Khatib"),
        ("Yonas", "Gebremedhin"),
        ("Karim", "Haddou"),
        ("Piotr", "Kowalski"),
        ("Mehmet", "Kaya"),
        ("Ali", "Sharifi"),
        ("Bilal", "Amrani"),
        ("Mamadou", "Bah"),
    ],
}
POSTCODES = ["3300"] * 10 + ["3400"] * 5 + ["3350"] * 3 + ["3320"] * 2 + ["3440", "3370", ""]

# (category codes, concerned service, typical outcome weights)
QUESTIONS = [
    (["government_login"], "itsme"),
    (["government_login"], "CSAM / Mijn Burgerprofiel"),
    (["tax"], "MyMinfin"),
    (["government_mail"], "eBox"),
    (["government_mail"], "Doccle"),
    (["health"], "Mutualiteit / ziekenfonds"),
    (["health"], "Mijn Gezondheid"),
    (["banking"], "KBC"),
    (["banking"], "Belfius"),
    (["banking"], "BNP Paribas Fortis"),
    (["banking"], "Payconiq"),
    (["email"], "Gmail"),
    (["email"], "Outlook / Hotmail"),
    (["device_setup"], "Nieuwe smartphone"),
    (["new_device"], "WhatsApp"),
    (["apps"], "De Lijn"),
    (["apps"], "NMBS"),
    (["safety"], "Phishing-sms"),
    (["safety", "banking"], "Phishing-sms"),
    (["job_search"], "Mijn VDAB"),
    (["housing"], "Woonpunt / sociale huisvesting"),
    (["school_apps"], "Smartschool"),
    (["vouchers"], "Pluxee / Edenred / Monizze"),
    (["printing"], ""),
    (["other"], "Fluvius"),
]
TRAININGS = [
    (ActivityKind.WORKSHOP, "Workshop itsme in 1 uur"),
    (ActivityKind.INFO_SESSION, "Infosessie phishing herkennen"),
    (ActivityKind.DIGICAFE, "Digicafé Linter"),
    (ActivityKind.COURSE_SERIES, "Reeks: starten met de smartphone"),
    (ActivityKind.WORKSHOP, "Workshop MyMinfin en belastingaangifte"),
]


def _pick_weighted(rng, options):
    total = sum(weight for _, weight in options)
    point = rng.uniform(0, total)
    for value, weight in options:
        point -= weight
        if point <= 0:
            return value
    return options[-1][0]


def _make_visitor(demo, consent, first, last, gender, year, postcode, newcomer):
    rng = demo.rng
    visitor = Visitor(
        digibank=demo.digibank,
        first_name=first,
        last_name=last,
        birth_year=year,
        postcode=postcode,
        gender=gender if rng.random() > 0.05 else Gender.UNKNOWN,
        language=Language.OTHER
        if newcomer
        else _pick_weighted(rng, [(Language.DUTCH, 85), (Language.UNKNOWN, 15)]),
        education=_pick_weighted(
            rng,
            [
                (Education.ISCED_0_2, 40),
                (Education.ISCED_3_4, 25),
                (Education.ISCED_5_8, 10),
                (Education.UNKNOWN, 25),
            ],
        ),
        employment=Employment.RETIRED
        if year < 1960 and rng.random() < 0.85
        else _pick_weighted(
            rng,
            [
                (Employment.JOB_SEEKER, 30),
                (Employment.EMPLOYED, 20),
                (Employment.UNABLE_TO_WORK, 15),
                (Employment.OTHER, 5),
                (Employment.UNKNOWN, 30),
            ],
        ),
        phone=f"04{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)}"
        if rng.random() < 0.4
        else "",
        consent_text=consent,
        consent_recorded_by=demo.users["volunteer"],
        created_by=demo.users["volunteer"],
    )
    assign_visitor_code(visitor)
    visitor_refresh_identity(visitor)
    return visitor


def _visitors(demo) -> list[Visitor]:
    rng = demo.rng
    consent = current_consent_text(digibank=demo.digibank)
    people = []
    used = set()
    while len(people) < 144:
        newcomer = rng.random() < 0.3
        gender = rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE])
        if newcomer:
            first, last = rng.choice(NEWCOMER_NAMES[gender])
            year = rng.randint(1965, 2003)
        else:
            first, last = rng.choice(FLEMISH_FIRST[gender]), rng.choice(FLEMISH_LAST)
            year = rng.choice([rng.randint(1938, 1969)] * 4 + [rng.randint(1970, 2000)])
        if (first, last) in used:
            continue
        used.add((first, last))
        postcode = rng.choice(POSTCODES) if rng.random() > 0.06 else ""
        people.append(_make_visitor(demo, consent, first, last, gender, year, postcode, newcomer))
    # Near-duplicate pairs for the merge demo (registered twice at different desks).
    for first, last, gender, year, postcode in [
        ("Marc", "Janssens", Gender.MALE, 1952, "3300"),
        ("Mark", "Janssens", Gender.MALE, 1952, "3300"),
        ("Hélène", "D'Hondt", Gender.FEMALE, 1949, "3400"),
        ("Helene", "Dhondt", Gender.FEMALE, 1949, ""),
        ("Mohamed", "El Amrani", Gender.MALE, 1981, "3300"),
        ("Mohammed", "El Amrani", Gender.MALE, 1981, "3300"),
    ]:
        people.append(
            _make_visitor(demo, consent, first, last, gender, year, postcode, last == "El Amrani")
        )
    # A young visitor (a minor registered with confirmation) to show the warning badge.
    people.append(
        _make_visitor(
            demo,
            consent,
            "Lotte",
            "Vandeput",
            Gender.FEMALE,
            demo.today.year - 16,
            "3300",
            False,
        )
    )
    Visitor.objects.bulk_create(people)
    saved = list(Visitor.objects.filter(digibank=demo.digibank).order_by("pk"))
    groups = {g.code: g for g in TargetGroup.objects.filter(digibank=demo.digibank)}
    links = []
    for visitor in saved:
        chosen = set()
        if visitor.birth_year and 1951 <= visitor.birth_year <= demo.today.year - 55:
            chosen.add("age_55_74")
        if visitor.birth_year and visitor.birth_year < demo.today.year - 75:
            chosen.add("age_75_plus")
        if visitor.language == Language.OTHER:
            chosen.add("other_language")
            if rng.random() < 0.6:
                chosen.add("newcomer")
        if visitor.employment == Employment.JOB_SEEKER:
            chosen.add("job_seeker")
        if visitor.education == Education.ISCED_0_2 and rng.random() < 0.6:
            chosen.add("low_educated")
        if rng.random() < 0.15:
            chosen.add("low_income")
        if rng.random() < 0.05:
            chosen.add("disability")
        if rng.random() < 0.2:  # registration is often incomplete
            visitor.target_groups_answer = rng.choice(
                [TargetGroupAnswer.UNKNOWN, TargetGroupAnswer.DECLINED]
            )
            continue
        if chosen:
            visitor.target_groups_answer = TargetGroupAnswer.GIVEN
            links += [
                Visitor.target_groups.through(visitor_id=visitor.pk, targetgroup_id=groups[c].pk)
                for c in chosen
                if c in groups
            ]
    Visitor.objects.bulk_update(saved, ["target_groups_answer"])
    Visitor.target_groups.through.objects.bulk_create(links)
    return saved


def _moment(demo, days_ago: int, hour: int) -> dt.datetime:
    day = demo.today - dt.timedelta(days=days_ago)
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour, demo.rng.choice([0, 15, 30, 45])))
    )


def seed(demo) -> None:
    rng = demo.rng
    visitors = _visitors(demo)
    locations = demo.locations
    organisations = demo.organisations
    helpers = [demo.users["volunteer"], demo.users["volunteer2"], demo.users["coordinator"]]
    categories = {c.code: c for c in HelpCategory.objects.all()}
    referrers = [
        (ReferrerChannel.WORD_OF_MOUTH, None, 25),
        (ReferrerChannel.SELF, None, 15),
        (ReferrerChannel.OCMW, "OCMW Tienen", 15),
        (ReferrerChannel.LIBRARY, "Bibliotheek Tienen", 12),
        (ReferrerChannel.SOCIAL_WORKER, "Welzijnsschakel De Brug", 8),
        (ReferrerChannel.VDAB, "VDAB Tienen", 6),
        (ReferrerChannel.FLYER, None, 6),
        (ReferrerChannel.MUNICIPAL_LETTER, "Stad Tienen", 4),
        (ReferrerChannel.WEBSITE, None, 3),
        (ReferrerChannel.INTERNAL_REFERRAL, None, 6),
    ]
    support_places = [
        ("Bibliotheek Tienen", 45),
        ("'t Recupke Landen", 20),
        ("Mobiel digipunt markt Tienen", 15),
        ("Dienstencentrum Linter", 12),
        ("Hulp aan huis", 8),
    ]
    plan: list[tuple[Visitor | None, str, int]] = []
    for visitor in visitors:
        # Most come once or twice; a core of regulars comes often, across services.
        visits = _pick_weighted(rng, [(1, 28), (2, 22), (3, 16), (4, 12), (6, 10), (9, 8), (14, 4)])
        first_day = rng.randint(min(600, 10 + visits * 30), 600)
        for i in range(visits):
            days_ago = first_day - i * rng.randint(5, 35)
            if days_ago < 1:  # today's list gets its own few visits below
                break
            form = _pick_weighted(
                rng,
                [
                    (FormOfService.INDIVIDUAL_SUPPORT, 62),
                    (FormOfService.TRAINING, 24),
                    (FormOfService.LENDING, 8),
                    (FormOfService.COMPUTER_ROOM, 6),
                ],
            )
            plan.append((visitor, form, days_ago))
    for _ in range(14):  # people who declined registration
        plan.append((None, FormOfService.INDIVIDUAL_SUPPORT, rng.randint(0, 600)))
    # Today at the library desk, so the desk list and follow-ups show something.
    for visitor in rng.sample(visitors[:144], 5):
        plan.append((visitor, FormOfService.INDIVIDUAL_SUPPORT, 0))

    rows = []
    for visitor, form, days_ago in plan:
        channel, organisation_name, _ = _pick_weighted(
            rng, [((c, o, w), w) for c, o, w in referrers]
        )
        if form == FormOfService.INDIVIDUAL_SUPPORT:
            place = "Bibliotheek Tienen" if days_ago == 0 else _pick_weighted(rng, support_places)
            kind = {
                "Hulp aan huis": ActivityKind.HOME_VISIT,
                "Bibliotheek Tienen": rng.choice(
                    [ActivityKind.DIGIPUNT_WALK_IN, ActivityKind.DIGIPUNT_APPOINTMENT]
                ),
            }.get(place, ActivityKind.DIGIPUNT_WALK_IN)
            name = ""
        elif form == FormOfService.TRAINING:
            place = rng.choice(["Dienstencentrum Linter", "Bibliotheek Tienen"])
            kind, name = rng.choice(TRAININGS)
        elif form == FormOfService.LENDING:
            place, kind, name = "Sociaal Huis Tienen", ActivityKind.LOAN, "Laptop uitlenen"
        else:
            place, kind, name = "'t Recupke Landen", ActivityKind.COMPUTER_ROOM, ""
        occurred_at = _moment(demo, days_ago, rng.choice([9, 10, 11, 13, 14, 15]))
        rows.append(
            Participation(
                digibank=demo.digibank,
                visitor=visitor,
                location=locations[place],
                occurred_at=occurred_at,
                occurred_on=timezone.localtime(occurred_at).date(),
                form_of_service=form,
                activity_kind=kind,
                activity_name=name,
                referrer_channel=channel,
                referrer_organisation=organisations.get(organisation_name)
                if organisation_name
                else None,
                registered_by=rng.choice(helpers),
            )
        )
    participations = Participation.objects.bulk_create(rows)

    questions, question_categories = [], []
    for participation in participations:
        if participation.form_of_service != FormOfService.INDIVIDUAL_SUPPORT:
            continue
        codes, service = rng.choice(QUESTIONS)
        outcome = _pick_weighted(
            rng,
            [
                (Outcome.SOLVED, 60),
                (Outcome.PARTLY, 15),
                (Outcome.FOLLOW_UP, 10),
                (Outcome.REFERRED_EXTERNAL, 10),
                (Outcome.REFERRED_INTERNAL, 5),
            ],
        )
        question = HelpQuestion(
            participation=participation,
            concerned_service=service,
            concerned_service_key=fold(service),
            has_content_side=codes[0] in {"tax", "health", "housing", "job_search"}
            and rng.random() < 0.6,
            outcome=outcome,
            follow_up_done=outcome == Outcome.FOLLOW_UP
            and participation.occurred_on < demo.today - dt.timedelta(days=21),
        )
        if outcome == Outcome.REFERRED_EXTERNAL:
            target = rng.choice(["OCMW Tienen", "VDAB Tienen", None])
            if target:
                question.referred_to_organisation = organisations[target]
            else:
                question.referred_to_text = rng.choice(["De bank (kantoor)", "Ziekenfonds"])
        if outcome == Outcome.REFERRED_INTERNAL:
            question.referred_internal_to = rng.choice(
                [InternalDestination.TRAINING, InternalDestination.LENDING]
            )
        questions.append((question, codes))
    saved = HelpQuestion.objects.bulk_create([q for q, _ in questions])
    for question, (_, codes) in zip(saved, questions, strict=True):
        question_categories += [
            HelpQuestion.categories.through(
                helpquestion_id=question.pk, helpcategory_id=categories[c].pk
            )
            for c in codes
        ]
    HelpQuestion.categories.through.objects.bulk_create(question_categories)
    # Consent was given at the first visit.
    Visitor.objects.filter(digibank=demo.digibank).update(
        consent_given_at=Subquery(
            Participation.objects.filter(visitor=OuterRef("pk"))
            .order_by("occurred_at")
            .values("occurred_at")[:1]
        )
    )
