import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registration.models import FormOfService, Participation
from sessions_app import selectors, services
from sessions_app.exceptions import SessionsError
from sessions_app.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    DeskMode,
    Enrolment,
    EnrolmentStatus,
    OpeningException,
    OpeningHours,
    ReminderSent,
    WalkInStatus,
)
from sessions_app.tasks import send_reminders
from tests.factories import DigibankFactory, LocationFactory
from tests.registration_factories import VisitorFactory
from tests.sessions_app.conftest import aware, membership_of

pytestmark = pytest.mark.django_db


def book(location, visitor, user, starts_at, key=None, question="itsme werkt niet meer"):
    return services.appointment_book(
        location=location,
        visitor=visitor,
        starts_at=starts_at,
        question=question,
        actor=user,
        membership=membership_of(user),
        idempotency_key=key,
    )


def test_slots_follow_the_opening_hours(hours, location, next_week):
    slots = selectors.free_slots(location=location, day=next_week)
    assert [s["slot"].starts_at.time() for s in slots] == [
        dt.time(9),
        dt.time(9, 30),
        dt.time(10),
        dt.time(10, 30),
        dt.time(11),
        dt.time(11, 30),
    ]
    assert {s["free"] for s in slots} == {2}


def test_a_slot_holds_as_many_people_as_digihelpers_on_duty(
    hours, location, next_week, make_visitor, volunteer
):
    start = aware(next_week, 9)
    first = book(location, make_visitor(), volunteer, start)
    second = book(location, make_visitor(), volunteer, start)
    assert (first.place, second.place) == (1, 2)
    with pytest.raises(SessionsError, match=r"vol|full"):
        book(location, make_visitor(), volunteer, start)
    assert Appointment.objects.count() == 2
    assert selectors.free_slots(location=location, day=next_week)[0]["free"] == 0


def test_a_cancelled_appointment_frees_its_place(
    hours, location, next_week, make_visitor, volunteer
):
    start = aware(next_week, 9)
    first = book(location, make_visitor(), volunteer, start)
    book(location, make_visitor(), volunteer, start)
    services.appointment_set_status(
        appointment=first, status=AppointmentStatus.CANCELLED, actor=volunteer
    )
    third = book(location, make_visitor(), volunteer, start)
    assert third.place == 1


def test_it_refuses_booking_outside_opening_hours(
    hours, location, next_week, make_visitor, volunteer
):
    with pytest.raises(SessionsError, match=r"buiten|outside"):
        book(location, make_visitor(), volunteer, aware(next_week, 14))
    with pytest.raises(SessionsError):  # not on a slot boundary
        book(location, make_visitor(), volunteer, aware(next_week, 9, 10))
    with pytest.raises(SessionsError):  # another weekday
        book(location, make_visitor(), volunteer, aware(next_week + dt.timedelta(days=1), 9))
    assert Appointment.objects.count() == 0


def test_it_refuses_booking_in_the_past(location, make_visitor, volunteer):
    today = timezone.localdate() - dt.timedelta(days=7)
    OpeningHours.objects.create(
        digibank=location.digibank,
        location=location,
        weekday=today.weekday(),
        start_time=dt.time(0),
        end_time=dt.time(23, 30),
        mode=DeskMode.APPOINTMENT,
    )
    with pytest.raises(SessionsError, match=r"verleden|past"):
        book(location, make_visitor(), volunteer, aware(today, 9))
    assert Appointment.objects.count() == 0


def test_a_closure_refuses_bookings_and_other_hours_replace_the_week(
    hours, location, next_week, make_visitor, volunteer
):
    OpeningException.objects.create(
        digibank=location.digibank, location=location, date=next_week, closed=True, reason="Pasen"
    )
    assert selectors.free_slots(location=location, day=next_week) == []
    with pytest.raises(SessionsError, match="Pasen"):
        book(location, make_visitor(), volunteer, aware(next_week, 9))
    services.opening_exception_save(
        location=location,
        actor=volunteer,
        date=next_week,
        closed=False,
        start_time=dt.time(13),
        end_time=dt.time(14),
        mode=DeskMode.APPOINTMENT,
        slot_minutes=60,
        helpers_on_duty=1,
    )
    slots = selectors.free_slots(location=location, day=next_week)
    assert [(s["slot"].starts_at.time(), s["free"]) for s in slots] == [(dt.time(13), 1)]
    with pytest.raises(SessionsError):
        book(location, make_visitor(), volunteer, aware(next_week, 9))
    assert book(location, make_visitor(), volunteer, aware(next_week, 13)).place == 1


def test_a_double_click_books_once(hours, location, next_week, make_visitor, volunteer):
    visitor = make_visitor()
    first = book(location, visitor, volunteer, aware(next_week, 10), key="klik-1")
    second = book(location, visitor, volunteer, aware(next_week, 10), key="klik-1")
    assert first.pk == second.pk
    assert Appointment.objects.count() == 1


def test_the_same_person_cannot_hold_two_places_in_one_slot(
    hours, location, next_week, make_visitor, volunteer
):
    visitor = make_visitor()
    book(location, visitor, volunteer, aware(next_week, 10))
    with pytest.raises(SessionsError):
        book(location, visitor, volunteer, aware(next_week, 10))


def test_the_confirmation_is_mailed_when_the_visitor_has_an_address(
    hours,
    location,
    next_week,
    make_visitor,
    volunteer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        book(location, make_visitor(email="jan@example.be"), volunteer, aware(next_week, 9))
        book(location, make_visitor(), volunteer, aware(next_week, 9))
    assert [m.to for m in mailoutbox] == [["jan@example.be"]]
    assert "itsme werkt niet meer" in mailoutbox[0].body


def test_check_in_writes_an_individual_support_participation(
    location, make_visitor, volunteer, referrer
):
    appointment = Appointment.objects.create(
        digibank=location.digibank,
        location=location,
        visitor=make_visitor(),
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        ends_at=timezone.now() + dt.timedelta(minutes=25),
        place=1,
        question="MyMinfin",
        booked_by=referrer,
        booked_by_role="referrer",
        referrer_organisation=membership_of(referrer).organisation,
    )
    services.appointment_set_status(
        appointment=appointment, status=AppointmentStatus.ATTENDED, actor=volunteer
    )
    participation = Participation.objects.get()
    assert participation.form_of_service == FormOfService.INDIVIDUAL_SUPPORT
    assert participation.activity_kind == "digipunt_appointment"
    assert participation.referrer_organisation == appointment.referrer_organisation
    with pytest.raises(SessionsError):
        services.appointment_set_status(
            appointment=appointment, status=AppointmentStatus.NO_SHOW, actor=volunteer
        )


def test_a_no_show_needs_the_time_to_have_come(hours, location, next_week, make_visitor, volunteer):
    appointment = book(location, make_visitor(), volunteer, aware(next_week, 9))
    with pytest.raises(SessionsError):
        services.appointment_set_status(
            appointment=appointment, status=AppointmentStatus.NO_SHOW, actor=volunteer
        )


def test_a_home_visit_has_an_address_and_a_digihelper(location, make_visitor, volunteer, next_week):
    with pytest.raises(SessionsError) as error:
        services.home_visit_request(
            location=location,
            visitor=make_visitor(),
            starts_at=aware(next_week, 14),
            minutes=60,
            question="Nieuwe smartphone instellen",
            address=" ",
            assigned_helper=volunteer,
            actor=volunteer,
            membership=membership_of(volunteer),
        )
    assert error.value.field == "address"
    visit = services.home_visit_request(
        location=location,
        visitor=make_visitor(),
        starts_at=aware(next_week, 14),
        minutes=60,
        question="Nieuwe smartphone instellen",
        address="Kerkstraat 1, Tienen",
        assigned_helper=volunteer,
        actor=volunteer,
        membership=membership_of(volunteer),
    )
    assert (visit.kind, visit.place, visit.assigned_helper) == (
        AppointmentKind.HOME_VISIT,
        None,
        volunteer,
    )


def test_a_helped_walk_in_becomes_a_participation_even_anonymous(location, volunteer):
    walk_in = services.walk_in_add(
        location=location, actor=volunteer, call_name="Nr 4", question="wifi", triage="long"
    )
    services.walk_in_set_status(walk_in=walk_in, status=WalkInStatus.HELPED, actor=volunteer)
    participation = Participation.objects.get()
    assert participation.visitor is None
    assert participation.activity_kind == "digipunt_walk_in"
    with pytest.raises(SessionsError):
        services.walk_in_set_status(walk_in=walk_in, status=WalkInStatus.LEFT, actor=volunteer)
    with pytest.raises(SessionsError):
        services.walk_in_add(location=location, actor=volunteer)


def test_reminders_go_out_once_for_appointments_and_sessions(
    location,
    make_visitor,
    make_activity,
    make_session,
    volunteer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with_mail = make_visitor(email="a@example.be")
    Appointment.objects.create(
        digibank=location.digibank,
        location=location,
        visitor=with_mail,
        starts_at=aware(tomorrow, 9),
        ends_at=aware(tomorrow, 9, 30),
        place=1,
        question="itsme",
        booked_by_role="volunteer",
    )
    Appointment.objects.create(  # no e-mail address: no reminder
        digibank=location.digibank,
        location=location,
        visitor=make_visitor(),
        starts_at=aware(tomorrow, 9),
        ends_at=aware(tomorrow, 9, 30),
        place=2,
        question="itsme",
        booked_by_role="volunteer",
    )
    activity = make_activity()
    session = make_session(activity, starts_at=aware(tomorrow, 14))
    Enrolment.objects.create(
        digibank=location.digibank,
        activity=activity,
        session=session,
        visitor=make_visitor(email="b@example.be"),
        status=EnrolmentStatus.ENROLLED,
        seat=1,
        enrolled_by_role="volunteer",
    )
    Enrolment.objects.create(  # waiting: no reminder
        digibank=location.digibank,
        activity=activity,
        session=session,
        visitor=make_visitor(email="c@example.be"),
        status=EnrolmentStatus.WAITING,
        enrolled_by_role="volunteer",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.be", "b@example.be"]
    assert ReminderSent.objects.count() == 2


def test_indicator_slot_occupancy_matches_hand_counted_numbers(digibank, location, volunteer):
    """Week 10 of 2025: Mon 9-12 (6 slots x 2 helpers = 12) + Wed 9-11 (2 slots x 1) = 14.
    Week 11: Monday closed, Wednesday other hours 9-10 with 3 helpers (2 x 3 = 6) = 6.
    Thursday is walk-in only: no slots."""

    def add_hours(weekday, start, end, mode, minutes, helpers):
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

    add_hours(0, 9, 12, DeskMode.APPOINTMENT, 30, 2)
    add_hours(2, 9, 11, DeskMode.BOTH, 60, 1)
    add_hours(3, 13, 16, DeskMode.WALK_IN, 30, 2)
    OpeningException.objects.create(
        digibank=digibank, location=location, date=dt.date(2025, 3, 10), closed=True
    )
    OpeningException.objects.create(
        digibank=digibank,
        location=location,
        date=dt.date(2025, 3, 12),
        closed=False,
        start_time=dt.time(9),
        end_time=dt.time(10),
        mode=DeskMode.BOTH,
        slot_minutes=30,
        helpers_on_duty=3,
    )

    def add(day, hour, status, kind=AppointmentKind.DIGIPUNT, place=1, loc=location):
        visitor = VisitorFactory(digibank=loc.digibank)
        Appointment.objects.create(
            digibank=loc.digibank,
            location=loc,
            visitor=visitor,
            kind=kind,
            starts_at=aware(day, hour),
            ends_at=aware(day, hour) + dt.timedelta(minutes=30),
            place=place if kind == AppointmentKind.DIGIPUNT else None,
            question="?",
            status=status,
            booked_by_role="volunteer",
        )

    monday, wednesday = dt.date(2025, 3, 3), dt.date(2025, 3, 12)
    for hour in (9, 10, 11):
        add(monday, hour, AppointmentStatus.ATTENDED)
    add(monday, 9, AppointmentStatus.NO_SHOW, place=2)
    add(monday, 10, AppointmentStatus.CANCELLED, place=2)
    add(monday, 11, AppointmentStatus.BOOKED, place=2)
    add(monday, 15, AppointmentStatus.ATTENDED, kind=AppointmentKind.HOME_VISIT)
    add(wednesday, 9, AppointmentStatus.ATTENDED)
    add(wednesday, 9, AppointmentStatus.ATTENDED, place=2)
    # Another digibank's busy location is not counted.
    other = LocationFactory(digibank=DigibankFactory())
    OpeningHours.objects.create(
        digibank=other.digibank,
        location=other,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(17),
        mode=DeskMode.APPOINTMENT,
    )
    add(monday, 9, AppointmentStatus.ATTENDED, loc=other)

    with CaptureQueriesContext(connection) as queries:
        result = selectors.indicator_slot_occupancy(
            digibank_ids=[digibank.pk],
            start=dt.date(2025, 3, 3),
            end=dt.date(2025, 3, 16),
            location_id=None,
        )
    assert len(queries) == 4
    weeks = {r["week"]: r for r in result["rows"]}
    assert set(weeks) == {"2025-W10", "2025-W11"}
    w10, w11 = weeks["2025-W10"], weeks["2025-W11"]
    assert (
        w10["slots_offered"],
        w10["booked"],
        w10["attended"],
        w10["no_show"],
        w10["cancelled"],
        w10["open"],
    ) == (14, 5, 3, 1, 1, 1)
    assert (
        w11["slots_offered"],
        w11["booked"],
        w11["attended"],
        w11["no_show"],
        w11["cancelled"],
    ) == (6, 2, 2, 0, 0)
    assert result["totals"]["slots_offered"] == 20
    assert result["totals"]["no_show"] == 1
    everything = selectors.indicator_slot_occupancy(
        digibank_ids=None, start=dt.date(2025, 3, 3), end=dt.date(2025, 3, 9), location_id=other.pk
    )
    assert everything["totals"]["slots_offered"] == 16
    assert everything["totals"]["attended"] == 1
