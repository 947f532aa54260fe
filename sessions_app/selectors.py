"""Every non-trivial read of training and appointments; query counts do not grow with rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractIsoYear, ExtractWeek
from django.utils import timezone

from digibank.models import Digibank, Location
from registration.identity import fold
from registration.models import Visitor
from sessions_app import slots as slot_rules
from sessions_app.models import (
    ACTIVE_ENROLMENT,
    Activity,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    OpeningException,
    OpeningHours,
    Session,
    SignUp,
    ThemeWish,
    WalkIn,
    WalkInStatus,
)


def _count(queryset: QuerySet, group: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def sessions_with_seats(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions annotated with `enrolled_count` and `waiting_count`: for a series those of the
    series, otherwise those of the session itself."""
    per_session = Enrolment.objects.filter(session=OuterRef("pk"))
    per_series = Enrolment.objects.filter(activity=OuterRef("activity_id"), session__isnull=True)
    return queryset.select_related(
        "activity__location", "activity__theme", "activity__organisation", "location"
    ).annotate(
        session_enrolled=_count(per_session.filter(status=EnrolmentStatus.ENROLLED), "session"),
        session_waiting=_count(per_session.filter(status=EnrolmentStatus.WAITING), "session"),
        series_enrolled=_count(per_series.filter(status=EnrolmentStatus.ENROLLED), "activity"),
        series_waiting=_count(per_series.filter(status=EnrolmentStatus.WAITING), "activity"),
    )


def seats_of(session: Session) -> dict:
    """Enrolled, waiting and free seats of an annotated session (see `sessions_with_seats`)."""
    series = session.activity.is_series
    enrolled = session.series_enrolled if series else session.session_enrolled
    waiting = session.series_waiting if series else session.session_waiting
    capacity = session.activity.capacity
    free = None if capacity is None else max(capacity - enrolled, 0)
    return {"enrolled": enrolled, "waiting": waiting, "capacity": capacity, "free": free}


def session_rows(queryset: QuerySet[Session]) -> list[dict]:
    return [{"session": s, **seats_of(s)} for s in sessions_with_seats(queryset)]


def upcoming_sessions(
    *, digibank: Digibank, until: dt.datetime | None = None, published_only: bool = False
) -> list[dict]:
    now = timezone.now()
    sessions = Session.objects.filter(
        digibank=digibank, starts_at__gte=now, cancelled_at__isnull=True
    ).order_by("starts_at")
    if until is not None:
        sessions = sessions.filter(starts_at__lt=until)
    if published_only:
        sessions = sessions.filter(activity__published=True)
    return session_rows(sessions)


def intro_session_choices(*, digibank: Digibank, days: int = 92) -> QuerySet[Session]:
    """Dates to come that take sign-ups, for booking a borrower's starter course (lending)."""
    now = timezone.now()
    return (
        Session.objects.filter(
            digibank=digibank,
            starts_at__gte=now,
            starts_at__lt=now + dt.timedelta(days=days),
            cancelled_at__isnull=True,
        )
        .exclude(activity__signup=SignUp.NONE)
        .select_related("activity")
        .order_by("starts_at")
    )


def programme(*, digibank: Digibank, days: int = 92) -> list[dict]:
    """The public programme: published sessions to come, with free seats."""
    return upcoming_sessions(
        digibank=digibank,
        until=timezone.now() + dt.timedelta(days=days),
        published_only=True,
    )


def activity_list(*, digibank: Digibank) -> QuerySet[Activity]:
    now = timezone.now()
    return (
        Activity.objects.filter(digibank=digibank)
        .select_related("location", "theme", "organisation")
        .annotate(
            session_count=Count("sessions", distinct=True),
            upcoming_count=Count("sessions", filter=Q(sessions__starts_at__gte=now), distinct=True),
        )
        .order_by("title")
    )


def enrolments_for(
    *, activity: Activity, only_enrolled_by=None, session: Session | None = None
) -> QuerySet[Enrolment]:
    """Active enrolments of an activity. `only_enrolled_by`: a referrer sees only the people
    they enrolled themselves."""
    enrolments = (
        Enrolment.objects.filter(ACTIVE_ENROLMENT, activity=activity)
        .select_related("visitor", "session", "enrolled_by", "referrer_organisation")
        .order_by("session__starts_at", "status", "created_at", "id")
    )
    if session is not None:
        enrolments = enrolments.filter(session=session)
    if only_enrolled_by is not None:
        enrolments = enrolments.filter(enrolled_by=only_enrolled_by)
    return enrolments


def roll_call(*, session: Session) -> dict:
    """Who should be there (seat holders), who is there, and the anonymous count."""
    enrolments = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).select_related("visitor")
    if session.activity.is_series:
        enrolments = enrolments.filter(activity_id=session.activity_id, session__isnull=True)
    else:
        enrolments = enrolments.filter(session=session)
    attendances = list(
        Attendance.objects.filter(session=session).select_related("visitor").order_by("id")
    )
    present = {a.visitor_id for a in attendances if a.visitor_id}
    rows = []
    listed = set()
    for enrolment in sorted(enrolments, key=lambda e: (e.visitor.last_name, e.visitor.first_name)):
        listed.add(enrolment.visitor_id)
        rows.append(
            {
                "visitor": enrolment.visitor,
                "present": enrolment.visitor_id in present,
                "enrolled": True,
            }
        )
    for attendance in attendances:
        if attendance.visitor_id and attendance.visitor_id not in listed:
            listed.add(attendance.visitor_id)
            rows.append({"visitor": attendance.visitor, "present": True, "enrolled": False})
    anonymous = sum(1 for a in attendances if a.anonymous_number)
    return {
        "rows": rows,
        "anonymous": anonymous,
        "present_total": len(present) + anonymous,
        "wishes": list(ThemeWish.objects.filter(session=session).order_by("-count", "text")),
    }


def visitor_search_minimal(*, digibank: Digibank, query: str, limit: int = 10) -> list[dict]:
    """Find a visitor by name fragments or card code. Returns only name, birth year and code:
    enough to pick the right person, nothing of their history."""
    query = query.strip()
    if len(query) < 2:
        return []
    visitors = Visitor.objects.filter(
        digibank=digibank,
        merged_into__isnull=True,
        erased_at__isnull=True,
        anonymised_at__isnull=True,
    )
    code_match = Q(visitor_code__iexact=query)
    terms = [t for t in fold(query).split() if t]
    name_match = Q()
    for term in terms:
        name_match &= Q(search_text__contains=term)
    return list(
        visitors.filter(code_match | name_match)
        .order_by("last_name", "first_name")
        .values("pk", "first_name", "last_name", "birth_year", "visitor_code")[:limit]
    )


def visitor_for_booking(*, digibank: Digibank, pk) -> Visitor | None:
    return Visitor.objects.filter(
        digibank=digibank, pk=pk, merged_into__isnull=True, erased_at__isnull=True
    ).first()


def _opening_data(locations: list[int], start: dt.date, end: dt.date):
    weekly: dict[int, list[OpeningHours]] = defaultdict(list)
    for hours in OpeningHours.objects.filter(location_id__in=locations):
        weekly[hours.location_id].append(hours)
    exceptions = {
        (e.location_id, e.date): e
        for e in OpeningException.objects.filter(
            location_id__in=locations, date__gte=start, date__lte=end
        )
    }
    return weekly, exceptions


def free_slots(*, location: Location, day: dt.date) -> list[dict]:
    """The appointment slots of `location` on `day` with their free places."""
    weekly, exceptions = _opening_data([location.pk], day, day)
    slots = slot_rules.slots_on(day, weekly[location.pk], exceptions.get((location.pk, day)))
    if not slots:
        return []
    taken = dict(
        Appointment.objects.filter(
            location=location,
            starts_at__gte=slots[0].starts_at,
            starts_at__lte=slots[-1].starts_at,
            place__isnull=False,
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by()
        .values("starts_at")
        .annotate(n=Count("pk"))
        .values_list("starts_at", "n")
    )
    now = timezone.now()
    return [
        {
            "slot": slot,
            "taken": taken.get(slot.starts_at, 0),
            "free": max(slot.capacity - taken.get(slot.starts_at, 0), 0),
            "past": slot.starts_at <= now,
        }
        for slot in slots
    ]


def closure_on(*, location: Location, day: dt.date) -> OpeningException | None:
    return OpeningException.objects.filter(location=location, date=day).first()


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    return start, start + dt.timedelta(days=1)


def day_view(*, location: Location, day: dt.date) -> dict:
    """The day at a digipunt: appointments, walk-in queue, slots (a constant number of queries)."""
    start, end = _day_bounds(day)
    appointments = list(
        Appointment.objects.filter(location=location, starts_at__gte=start, starts_at__lt=end)
        .select_related("visitor", "booked_by", "assigned_helper")
        .order_by("starts_at", "place")
    )
    walk_ins = list(
        WalkIn.objects.filter(location=location, arrived_at__gte=start, arrived_at__lt=end)
        .select_related("visitor")
        .order_by("arrived_at", "id")
    )
    return {
        "appointments": appointments,
        "walk_ins_waiting": [w for w in walk_ins if w.status == WalkInStatus.WAITING],
        "walk_ins_done": [w for w in walk_ins if w.status != WalkInStatus.WAITING],
        "slots": free_slots(location=location, day=day),
        "closure": closure_on(location=location, day=day),
    }


def opening_hours_of(*, location: Location) -> dict:
    today = timezone.localdate()
    return {
        "hours": list(OpeningHours.objects.filter(location=location)),
        "exceptions": list(
            OpeningException.objects.filter(location=location, date__gte=today).order_by("date")
        ),
    }


def visitor_plans(*, visitor: Visitor, limit: int = 10) -> dict:
    """A visitor's enrolments and appointments (to come first, then the last few)."""
    now = timezone.now()
    enrolments = list(
        Enrolment.objects.filter(visitor=visitor)
        .select_related("activity__location", "session")
        .order_by("-created_at")[:limit]
    )
    appointments = list(
        Appointment.objects.filter(visitor=visitor)
        .select_related("location")
        .order_by("-starts_at")[:limit]
    )
    return {
        "enrolments": enrolments,
        "appointments": appointments,
        "upcoming_appointments": [
            a for a in appointments if a.starts_at >= now and a.status == AppointmentStatus.BOOKED
        ],
    }


def indicator_slot_occupancy(
    *,
    digibank_ids: list[int] | None,
    start: dt.date,
    end: dt.date,
    location_id: int | None = None,
) -> dict:
    """Indicator 10: appointment slots offered, booked, attended, no-show and cancelled, per
    location and ISO week, for the days `start`..`end` (inclusive).

    `slots_offered` counts places: each slot from the opening hours (minus closures, with the
    other hours of an exception day) times the digihelpers on duty. `booked` counts the
    appointments in those weeks that were not cancelled (attended + no_show + still open);
    `cancelled` counts the cancelled ones. Home visits have no slots and are not counted.
    Four queries, whatever the period or the number of locations.
    """
    locations = Location.objects.all()
    if digibank_ids is not None:
        locations = locations.filter(digibank_id__in=digibank_ids)
    if location_id is not None:
        locations = locations.filter(pk=location_id)
    names = dict(locations.values_list("pk", "name"))
    weekly, exceptions = _opening_data(list(names), start, end)

    rows: dict[tuple[int, int, int], dict] = {}

    def row(location_pk: int, iso_year: int, iso_week: int) -> dict:
        key = (location_pk, iso_year, iso_week)
        if key not in rows:
            rows[key] = {
                "location_id": location_pk,
                "location": names.get(location_pk, ""),
                "iso_year": iso_year,
                "iso_week": iso_week,
                "week": f"{iso_year}-W{iso_week:02d}",
                "slots_offered": 0,
                "booked": 0,
                "attended": 0,
                "no_show": 0,
                "open": 0,
                "cancelled": 0,
            }
        return rows[key]

    # Places per weekday from the weekly hours (the count does not depend on the date), so
    # only exception days need their own slots.
    places_per_weekday: dict[int, dict[int, int]] = {}
    for location_pk, hours_list in weekly.items():
        per_weekday = places_per_weekday.setdefault(location_pk, {})
        for offset in range(7):
            sample = start + dt.timedelta(days=offset)
            per_weekday[sample.weekday()] = sum(
                s.capacity for s in slot_rules.slots_on(sample, hours_list)
            )
    day = start
    while day <= end:
        iso_year, iso_week, _weekday = day.isocalendar()
        for location_pk in names:
            exception = exceptions.get((location_pk, day))
            if exception is not None:
                places = sum(s.capacity for s in slot_rules.slots_on(day, [], exception))
            else:
                places = places_per_weekday.get(location_pk, {}).get(day.weekday(), 0)
            if places:
                row(location_pk, iso_year, iso_week)["slots_offered"] += places
        day += dt.timedelta(days=1)

    range_start, _ = _day_bounds(start)
    _, range_end = _day_bounds(end)
    counts = (
        Appointment.objects.filter(
            location_id__in=list(names),
            kind=AppointmentKind.DIGIPUNT,
            starts_at__gte=range_start,
            starts_at__lt=range_end,
        )
        .annotate(iso_year=ExtractIsoYear("starts_at"), iso_week=ExtractWeek("starts_at"))
        .order_by()
        .values("location_id", "iso_year", "iso_week", "status")
        .annotate(n=Count("pk"))
    )
    status_field = {
        AppointmentStatus.ATTENDED: "attended",
        AppointmentStatus.NO_SHOW: "no_show",
        AppointmentStatus.BOOKED: "open",
        AppointmentStatus.CANCELLED: "cancelled",
    }
    for item in counts:
        target = row(item["location_id"], item["iso_year"], item["iso_week"])
        target[status_field[item["status"]]] += item["n"]
        if item["status"] != AppointmentStatus.CANCELLED:
            target["booked"] += item["n"]

    ordered = sorted(rows.values(), key=lambda r: (r["location"], r["iso_year"], r["iso_week"]))
    totals = {
        name: sum(r[name] for r in ordered)
        for name in ("slots_offered", "booked", "attended", "no_show", "open", "cancelled")
    }
    return {"start": start.isoformat(), "end": end.isoformat(), "rows": ordered, "totals": totals}
