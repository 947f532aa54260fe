import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from digibank.models import Role
from registration.models import FormOfService, Participation
from sessions_app import selectors, services
from sessions_app.exceptions import SessionsError
from sessions_app.models import Attendance, Enrolment, EnrolmentStatus, SignUp, TrainingKind
from tests.sessions_app.conftest import aware, membership_of

pytestmark = pytest.mark.django_db


def enrol(activity, visitor, user, session=None):
    return services.enrolment_create(
        activity=activity,
        session=session,
        visitor=visitor,
        actor=user,
        membership=membership_of(user),
    )


def test_it_gives_seats_until_full_then_puts_people_on_the_waiting_list(
    make_activity, make_session, make_visitor, volunteer
):
    activity = make_activity(capacity=2)
    session = make_session(activity)
    a, b, c = make_visitor(), make_visitor(), make_visitor()
    first, second, third = (enrol(activity, v, volunteer, session) for v in (a, b, c))
    assert (first.status, first.seat) == (EnrolmentStatus.ENROLLED, 1)
    assert (second.status, second.seat) == (EnrolmentStatus.ENROLLED, 2)
    assert (third.status, third.seat) == (EnrolmentStatus.WAITING, None)
    row = selectors.session_rows(type(session).objects.filter(pk=session.pk))[0]
    assert (row["enrolled"], row["waiting"], row["free"]) == (2, 1, 0)


def test_it_refuses_the_same_person_twice(make_activity, make_session, make_visitor, volunteer):
    activity = make_activity()
    session = make_session(activity)
    visitor = make_visitor()
    enrol(activity, visitor, volunteer, session)
    with pytest.raises(SessionsError, match=r"al ingeschreven|already"):
        enrol(activity, visitor, volunteer, session)
    assert Enrolment.objects.count() == 1


def test_cancelling_a_seat_promotes_the_first_waiting_person_and_mails_them(
    make_activity,
    make_session,
    make_visitor,
    volunteer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    activity = make_activity(capacity=1)
    session = make_session(activity)
    holder = enrol(activity, make_visitor(), volunteer, session)
    first_waiting = enrol(activity, make_visitor(email="wacht@example.be"), volunteer, session)
    enrol(activity, make_visitor(), volunteer, session)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.enrolment_cancel(enrolment=holder, actor=volunteer)
    assert promoted.pk == first_waiting.pk
    promoted.refresh_from_db()
    holder.refresh_from_db()
    assert (promoted.status, promoted.seat) == (EnrolmentStatus.ENROLLED, 1)
    assert promoted.promoted_at is not None
    assert (holder.status, holder.seat) == (EnrolmentStatus.CANCELLED, None)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["wacht@example.be"]
    assert "itsme in 1 uur" in mailoutbox[0].body
    assert Enrolment.objects.filter(status=EnrolmentStatus.WAITING).count() == 1


def test_cancelling_a_waiting_place_promotes_nobody(
    make_activity, make_session, make_visitor, volunteer
):
    activity = make_activity(capacity=1)
    session = make_session(activity)
    enrol(activity, make_visitor(), volunteer, session)
    waiting = enrol(activity, make_visitor(), volunteer, session)
    other_waiting = enrol(activity, make_visitor(), volunteer, session)
    assert services.enrolment_cancel(enrolment=waiting, actor=volunteer) is None
    other_waiting.refresh_from_db()
    assert other_waiting.status == EnrolmentStatus.WAITING


def test_the_database_refuses_two_holders_of_the_same_seat(
    make_activity, make_session, make_visitor, volunteer
):
    activity = make_activity(capacity=1)
    session = make_session(activity)
    enrol(activity, make_visitor(), volunteer, session)
    with pytest.raises(IntegrityError):
        Enrolment.objects.create(
            digibank=activity.digibank,
            activity=activity,
            session=session,
            visitor=make_visitor(),
            status=EnrolmentStatus.ENROLLED,
            seat=1,
            enrolled_by_role=Role.VOLUNTEER,
        )


def test_a_referrer_becomes_the_inschrijver(make_activity, make_session, make_visitor, referrer):
    activity = make_activity()
    session = make_session(activity)
    enrolment = enrol(activity, make_visitor(), referrer, session)
    assert enrolment.enrolled_by == referrer
    assert enrolment.enrolled_by_role == Role.REFERRER
    assert enrolment.referrer_organisation == membership_of(referrer).organisation


def test_a_series_is_one_enrolment_and_each_attended_session_one_participation(
    make_activity, make_session, make_visitor, volunteer, next_week
):
    series = make_activity(kind=TrainingKind.COURSE_SERIES, title="Smartphone in 7 lessen")
    sessions = [
        make_session(series, starts_at=aware(next_week + dt.timedelta(weeks=w), 10))
        for w in range(3)
    ]
    anna, bert = make_visitor(), make_visitor()
    enrolment = enrol(series, anna, volunteer, session=sessions[1])
    enrol(series, bert, volunteer)
    assert enrolment.session is None  # a series is enrolled as a whole
    # The dates arrive: move them to the past, then take attendance at dates 1 and 3.
    for weeks_ago, session in zip((3, 2, 1), sessions, strict=True):
        session.starts_at = timezone.now() - dt.timedelta(weeks=weeks_ago)
        session.ends_at = session.starts_at + dt.timedelta(hours=2)
        session.save()
    listed = {anna.pk, bert.pk}
    roll = selectors.roll_call(session=sessions[0])
    assert {r["visitor"].pk for r in roll["rows"]} == listed
    services.roll_call_save(
        session=sessions[0], actor=volunteer, listed_visitor_ids=listed, present_visitor_ids=listed
    )
    services.roll_call_save(
        session=sessions[2],
        actor=volunteer,
        listed_visitor_ids=listed,
        present_visitor_ids={anna.pk},
    )
    anna_rows = Participation.objects.filter(visitor=anna)
    assert anna_rows.count() == 2
    assert set(anna_rows.values_list("form_of_service", "activity_kind", "activity_name")) == {
        (FormOfService.TRAINING, "course_series", "Smartphone in 7 lessen")
    }
    assert Participation.objects.filter(visitor=bert).count() == 1
    # Unticking Anna at date 3 removes that participation again.
    added, removed = services.roll_call_save(
        session=sessions[2], actor=volunteer, listed_visitor_ids=listed, present_visitor_ids=set()
    )
    assert (added, removed) == (0, 1)
    assert Participation.objects.filter(visitor=anna).count() == 1
    # Saving the same ticks twice writes nothing twice.
    services.roll_call_save(
        session=sessions[0], actor=volunteer, listed_visitor_ids=listed, present_visitor_ids=listed
    )
    assert Participation.objects.count() == 2


def test_anonymous_walk_ins_are_one_anonymous_participation_per_head(
    make_activity, make_session, volunteer
):
    activity = make_activity(kind=TrainingKind.DIGICAFE, signup=SignUp.NONE, capacity=None)
    session = make_session(activity, starts_at=timezone.now() - dt.timedelta(hours=1))
    services.attendance_set_anonymous(session=session, count=3, actor=volunteer)
    services.attendance_set_anonymous(session=session, count=3, actor=volunteer)
    anonymous = Participation.objects.filter(visitor__isnull=True)
    assert anonymous.count() == 3
    assert set(anonymous.values_list("idempotency_key", flat=True)) == {
        f"session-{session.pk}-anon-{n}" for n in (1, 2, 3)
    }
    assert set(anonymous.values_list("activity_kind", flat=True)) == {"digicafe"}
    services.attendance_set_anonymous(session=session, count=1, actor=volunteer)
    assert anonymous.count() == 1
    assert Attendance.objects.filter(session=session).count() == 1


def test_a_walk_in_found_by_search_is_marked_present(
    make_activity, make_session, make_visitor, volunteer, digibank
):
    activity = make_activity()
    session = make_session(activity, starts_at=timezone.now() - dt.timedelta(hours=1))
    visitor = make_visitor(first_name="Mariëtte", last_name="Peeters")
    found = selectors.visitor_search_minimal(digibank=digibank, query="mariette pee")
    assert [v["pk"] for v in found] == [visitor.pk]
    assert set(found[0]) == {"pk", "first_name", "last_name", "birth_year", "visitor_code"}
    services.attendance_add_walk_in(session=session, visitor=visitor, actor=volunteer)
    services.attendance_add_walk_in(session=session, visitor=visitor, actor=volunteer)
    assert Participation.objects.filter(visitor=visitor, location=session.place).count() == 1
    rows = selectors.roll_call(session=session)["rows"]
    assert rows[0]["enrolled"] is False and rows[0]["present"] is True


def test_attendance_cannot_be_taken_before_the_day(make_activity, make_session, volunteer):
    session = make_session(make_activity())
    with pytest.raises(SessionsError):
        services.attendance_set_anonymous(session=session, count=2, actor=volunteer)
    assert Participation.objects.count() == 0


def test_theme_wishes_are_noted(make_activity, make_session, volunteer):
    session = make_session(make_activity())
    services.theme_wish_add(session=session, text="Online bankieren", count=3, actor=volunteer)
    with pytest.raises(SessionsError):
        services.theme_wish_add(session=session, text="  ", count=1, actor=volunteer)
    with pytest.raises(SessionsError):
        services.theme_wish_add(session=session, text="AI", count=0, actor=volunteer)
    assert [(w.text, w.count) for w in selectors.roll_call(session=session)["wishes"]] == [
        ("Online bankieren", 3)
    ]


# -- Bad input -------------------------------------------------------------------------------


def test_it_refuses_a_session_in_the_past(make_activity, coordinator):
    start = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(SessionsError, match=r"verleden|past"):
        services.session_create(
            activity=make_activity(),
            actor=coordinator,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
        )


def test_it_refuses_an_end_before_the_start(make_activity, coordinator, next_week):
    with pytest.raises(SessionsError) as error:
        services.session_create(
            activity=make_activity(),
            actor=coordinator,
            starts_at=aware(next_week, 14),
            ends_at=aware(next_week, 13),
        )
    assert error.value.field == "ends_at"


@pytest.mark.parametrize("capacity", [0, -3])
def test_it_refuses_zero_or_negative_capacity(digibank, location, coordinator, capacity):
    with pytest.raises(SessionsError) as error:
        services.activity_save(
            digibank=digibank,
            actor=coordinator,
            kind=TrainingKind.WORKSHOP,
            title="Veilig online",
            location=location,
            capacity=capacity,
        )
    assert error.value.field == "capacity"


def test_it_refuses_enrolment_for_a_date_in_the_past(
    make_activity, make_session, make_visitor, volunteer
):
    activity = make_activity()
    session = make_session(activity, starts_at=timezone.now() - dt.timedelta(hours=3))
    with pytest.raises(SessionsError):
        enrol(activity, make_visitor(), volunteer, session)
    assert Enrolment.objects.count() == 0


def test_it_refuses_a_visitor_of_another_digibank(
    make_activity, make_session, other_digibank, volunteer
):
    from tests.registration_factories import VisitorFactory

    activity = make_activity()
    with pytest.raises(SessionsError):
        enrol(activity, VisitorFactory(digibank=other_digibank), volunteer, make_session(activity))


def test_new_digibanks_get_the_default_themes():
    from digibank.services import digibank_create
    from sessions_app.models import Theme

    digibank = digibank_create(slug="nieuw", name="Digibank Nieuw")
    assert Theme.objects.filter(digibank=digibank, name="itsme").exists()
    assert Theme.objects.filter(digibank=digibank).count() >= 6


def test_more_seats_move_the_waiting_list_up_and_fewer_than_taken_is_refused(
    make_activity, make_session, make_visitor, volunteer, coordinator, digibank, location
):
    activity = make_activity(capacity=1)
    session = make_session(activity)
    holder = enrol(activity, make_visitor(), volunteer, session)
    waiting = [enrol(activity, make_visitor(), volunteer, session) for _ in range(3)]
    fields = {
        "digibank": digibank,
        "actor": coordinator,
        "activity": activity,
        "kind": activity.kind,
        "title": activity.title,
        "location": location,
    }
    services.activity_save(capacity=3, **fields)
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in [holder, *waiting]]
    assert statuses == ["enrolled", "enrolled", "enrolled", "waiting"]
    assert sorted(Enrolment.objects.filter(status="enrolled").values_list("seat", flat=True)) == [
        1,
        2,
        3,
    ]
    with pytest.raises(SessionsError) as error:
        services.activity_save(capacity=2, **fields)
    assert error.value.field == "capacity"
