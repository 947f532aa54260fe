"""Demo data for training and appointments (called by `seed_demo`): a programme over the past
three months and the next two, attendance that writes training participations, waiting lists,
opening hours, past and upcoming appointments and a walk-in queue for today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digibank.models import Membership, Role
from registration.models import Visitor
from registration.services import assign_visitor_code, visitor_refresh_identity
from sessions_app import services
from sessions_app.models import (
    Activity,
    Appointment,
    AppointmentStatus,
    DeskMode,
    Enrolment,
    EnrolmentStatus,
    OpeningException,
    OpeningHours,
    Session,
    SignUp,
    Theme,
    ThemeWish,
    TrainingKind,
    Triage,
)
from sessions_app.slots import slots_on

NAMES = [
    ("Maria", "Peeters"),
    ("Jozef", "Claes"),
    ("Fatima", "El Amrani"),
    ("Georges", "Wouters"),
    ("Lieve", "Janssens"),
    ("Ahmed", "Benali"),
    ("Rita", "Maes"),
    ("Marcel", "Jacobs"),
    ("Olena", "Kovalenko"),
    ("Christiane", "Mertens"),
    ("Yusuf", "Demir"),
    ("Godelieve", "Smets"),
]


def _visitors(demo) -> list[Visitor]:
    visitors = list(Visitor.objects.filter(digibank=demo.digibank, merged_into__isnull=True)[:40])
    if len(visitors) >= 12:
        return visitors
    for first, last in NAMES:
        visitor = Visitor(
            digibank=demo.digibank,
            first_name=first,
            last_name=last,
            birth_year=demo.rng.randint(1940, 1975),
            postcode=demo.rng.choice(["3300", "3400", "3350"]),
        )
        assign_visitor_code(visitor)
        visitor_refresh_identity(visitor)
        visitor.save()
        visitors.append(visitor)
    return visitors


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _session(activity: Activity, starts_at: dt.datetime, minutes: int) -> Session:
    # Created directly: the service refuses dates in the past, and the demo needs a history.
    return Session.objects.create(
        digibank_id=activity.digibank_id,
        activity=activity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
    )


def _enrol(activity, session, visitor, user, membership, status, seat):
    return Enrolment.objects.create(
        digibank_id=activity.digibank_id,
        activity=activity,
        session=None if activity.is_series else session,
        visitor=visitor,
        status=status,
        seat=seat,
        enrolled_by=user,
        enrolled_by_role=membership.role,
        referrer_organisation=membership.organisation if membership.role == Role.REFERRER else None,
    )


def seed(demo) -> None:
    digibank, rng, today = demo.digibank, demo.rng, demo.today
    loc = demo.locations
    org = demo.organisations
    coordinator, volunteer = demo.users["coordinator"], demo.users["volunteer"]
    referrer = demo.users["referrer"]
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(digibank=digibank).select_related("organisation")
    }
    visitors = _visitors(demo)
    themes = {t.name: t for t in Theme.objects.filter(digibank=digibank)}

    def theme(name):
        return themes.get(name) or next(iter(themes.values()), None)

    bib, recupke, linter = (
        loc["Bibliotheek Tienen"],
        loc["'t Recupke Landen"],
        loc["Dienstencentrum Linter"],
    )
    programme = [
        ("itsme in 1 uur", TrainingKind.INFO_SESSION, bib, 15, "itsme", "Ligo Brabant-Leuven", 60),
        (
            "Phishing herkennen",
            TrainingKind.INFO_SESSION,
            recupke,
            12,
            "Veilig online en phishing",
            "CVO Leuven-Landen",
            90,
        ),
        (
            "Digicafé Linter",
            TrainingKind.DIGICAFE,
            linter,
            None,
            "Smartphone basis",
            "Sociaal Huis Linter",
            120,
        ),
        (
            "Smartphone voor beginners (7 lessen)",
            TrainingKind.COURSE_SERIES,
            bib,
            8,
            "Smartphone basis",
            "Ligo Brabant-Leuven",
            120,
        ),
        (
            "MyMinfin: je belastingbrief online",
            TrainingKind.WORKSHOP,
            bib,
            6,
            "MyMinfin en belastingen online",
            "Bibliotheek Tienen",
            120,
        ),
        (
            "Bankieren met je smartphone",
            TrainingKind.WORKSHOP,
            recupke,
            6,
            "Online bankieren",
            "Ligo Brabant-Leuven",
            120,
        ),
        (
            "E-mail voor beginners",
            TrainingKind.WORKSHOP,
            linter,
            5,
            "E-mail",
            "CVO Leuven-Landen",
            120,
        ),
        (
            "Foto's op je smartphone",
            TrainingKind.WORKSHOP,
            bib,
            8,
            "Foto's en video",
            "Bibliotheek Tienen",
            120,
        ),
    ]
    for title, kind, location, capacity, theme_name, org_name, minutes in programme:
        activity = Activity.objects.create(
            digibank=digibank,
            kind=kind,
            title=title,
            theme=theme(theme_name),
            organisation=org.get(org_name),
            location=location,
            capacity=capacity,
            signup=SignUp.NONE if capacity is None else SignUp.REQUIRED,
            audience_notes="Voor beginners. Breng je eigen smartphone mee.",
            created_by=coordinator,
        )
        if kind == TrainingKind.COURSE_SERIES:
            first = today - dt.timedelta(weeks=3)
            dates = [_at(first + dt.timedelta(weeks=w), 9, 30) for w in range(7)]
        elif kind == TrainingKind.DIGICAFE:
            dates = [_at(today + dt.timedelta(days=30 * m - 80), 13, 30) for m in range(5)]
        else:
            dates = [
                _at(today + dt.timedelta(days=rng.randint(-85, -5)), 14),
                _at(today + dt.timedelta(days=rng.randint(5, 55)), 14),
            ]
        sessions = [_session(activity, when, minutes) for when in dates]
        if activity.is_series:
            group = rng.sample(visitors, min(len(visitors), 10))
            for i, visitor in enumerate(group):
                enrolled = i < capacity
                user = referrer if i % 3 == 0 else volunteer
                _enrol(
                    activity,
                    None,
                    visitor,
                    user,
                    memberships[user.pk],
                    EnrolmentStatus.ENROLLED if enrolled else EnrolmentStatus.WAITING,
                    i + 1 if enrolled else None,
                )
            attendees = {
                s.pk: [v for v in group[:capacity] if rng.random() < 0.8] for s in sessions
            }
        else:
            attendees = {}
            for session in sessions:
                if capacity is None:
                    attendees[session.pk] = rng.sample(visitors, 5)
                    continue
                people = rng.sample(visitors, min(len(visitors), capacity + 2))
                for i, visitor in enumerate(people):
                    enrolled = i < capacity
                    user = referrer if i % 4 == 0 else volunteer
                    _enrol(
                        activity,
                        session,
                        visitor,
                        user,
                        memberships[user.pk],
                        EnrolmentStatus.ENROLLED if enrolled else EnrolmentStatus.WAITING,
                        i + 1 if enrolled else None,
                    )
                attendees[session.pk] = [v for v in people[:capacity] if rng.random() < 0.85]
        for session in sessions:
            if session.starts_at > timezone.now():
                continue
            present = {v.pk for v in attendees[session.pk]}
            services.roll_call_save(
                session=session,
                actor=volunteer,
                listed_visitor_ids=present,
                present_visitor_ids=present,
            )
            if kind == TrainingKind.DIGICAFE:
                services.attendance_set_anonymous(
                    session=session, count=rng.randint(1, 4), actor=volunteer
                )
            if kind == TrainingKind.INFO_SESSION:
                ThemeWish.objects.create(
                    digibank=digibank,
                    session=session,
                    text="Artificiële intelligentie",
                    count=rng.randint(1, 5),
                    created_by=volunteer,
                )

    # Opening hours (see the locations' notes) and a closure.
    weekly = [
        (bib, 1, 13, 16, DeskMode.WALK_IN, 30, 2),
        (bib, 3, 9, 12, DeskMode.APPOINTMENT, 30, 2),
        (recupke, 0, 9, 12, DeskMode.BOTH, 45, 1),
        (recupke, 2, 9, 12, DeskMode.BOTH, 45, 1),
        (linter, 4, 13, 16, DeskMode.BOTH, 30, 1),
    ]
    for location, weekday, start, end, mode, minutes, helpers in weekly:
        OpeningHours.objects.create(
            digibank=digibank,
            location=location,
            weekday=weekday,
            start_time=dt.time(start),
            end_time=dt.time(end),
            mode=mode,
            slot_minutes=minutes,
            helpers_on_duty=helpers,
        )
    closed_on = today + dt.timedelta(days=(3 - today.weekday()) % 7 + 14)
    OpeningException.objects.create(
        digibank=digibank, location=bib, date=closed_on, closed=True, reason="Bibliotheek gesloten"
    )

    # Appointments: the past 6 weeks (came, did not come, cancelled) and the next 3 weeks.
    hours_by_location = {}
    for hours in OpeningHours.objects.filter(digibank=digibank):
        hours_by_location.setdefault(hours.location_id, []).append(hours)
    questions = [
        "itsme werkt niet meer",
        "MyMinfin: brief niet gevonden",
        "nieuwe smartphone",
        "mail met verdachte link",
        "app van de bank installeren",
        "eBox activeren",
    ]
    now = timezone.now()
    for offset in range(-42, 22):
        day = today + dt.timedelta(days=offset)
        if day == closed_on:
            continue
        for location in (bib, recupke, linter):
            for slot in slots_on(day, hours_by_location.get(location.pk, [])):
                for place in range(1, slot.capacity + 1):
                    if rng.random() > 0.55:
                        continue
                    user = referrer if rng.random() < 0.3 else volunteer
                    membership = memberships[user.pk]
                    if slot.starts_at < now:
                        status = rng.choices(
                            [
                                AppointmentStatus.ATTENDED,
                                AppointmentStatus.NO_SHOW,
                                AppointmentStatus.CANCELLED,
                            ],
                            weights=[75, 12, 13],
                        )[0]
                    else:
                        status = AppointmentStatus.BOOKED
                    appointment = Appointment.objects.create(
                        digibank=digibank,
                        location=location,
                        visitor=rng.choice(visitors),
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        place=place,
                        question=rng.choice(questions),
                        booked_by=user,
                        booked_by_role=membership.role,
                        referrer_organisation=membership.organisation
                        if membership.role == Role.REFERRER
                        else None,
                    )
                    if status == AppointmentStatus.ATTENDED:
                        services.appointment_set_status(
                            appointment=appointment, status=status, actor=volunteer
                        )
                    elif status != AppointmentStatus.BOOKED:
                        # The service refuses a no-show before the time and a cancellation
                        # after it; the demo's history is written as it would have ended.
                        Appointment.objects.filter(pk=appointment.pk).update(
                            status=status, status_changed_at=slot.starts_at
                        )
    services.home_visit_request(
        location=loc["Hulp aan huis"],
        visitor=visitors[0],
        starts_at=_at(today + dt.timedelta(days=3), 10),
        minutes=60,
        question="Tablet instellen en leren videobellen met de kleinkinderen",
        address="Kapelstraat 12, 3300 Tienen",
        assigned_helper=demo.users["volunteer2"],
        actor=referrer,
        membership=memberships[referrer.pk],
    )

    # Today's walk-in queue at the library.
    for minutes_ago, name, question, triage in [
        (40, "Maria", "itsme op nieuwe gsm zetten", Triage.LONG),
        (25, "Nr 2", "foto doorsturen", Triage.SHORT),
        (10, "Georges", "brief van de belastingen in eBox", Triage.LONG),
    ]:
        services.walk_in_add(
            location=bib,
            actor=volunteer,
            call_name=name,
            question=question,
            triage=triage,
            arrived_at=now - dt.timedelta(minutes=minutes_ago),
        )
