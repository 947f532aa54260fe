import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.models import Role
from digibank.views import SESSION_DESK_LOCATION_KEY
from registration.models import HelpCategory, Participation
from sessions_app import nav, services
from sessions_app.models import (
    Appointment,
    AppointmentStatus,
    Enrolment,
    EnrolmentStatus,
    OpeningException,
    WalkIn,
)
from tests.access import assert_outsiders_get_404, assert_roles_refused, client_for
from tests.factories import make_member
from tests.sessions_app.conftest import aware, membership_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_activity, make_session, make_visitor, location, volunteer, hours, next_week):
    activity = make_activity()
    session = make_session(activity)
    visitor = make_visitor()
    enrolment = services.enrolment_create(
        activity=activity,
        session=session,
        visitor=visitor,
        actor=volunteer,
        membership=membership_of(volunteer),
    )
    appointment = services.appointment_book(
        location=location,
        visitor=visitor,
        starts_at=aware(next_week, 9),
        question="itsme",
        actor=volunteer,
        membership=membership_of(volunteer),
    )
    walk_in = services.walk_in_add(location=location, actor=volunteer, call_name="Nr 1")
    exception = OpeningException.objects.create(
        digibank=location.digibank,
        location=location,
        date=next_week + dt.timedelta(days=7),
        closed=True,
    )
    return {
        "activity": activity,
        "session": session,
        "visitor": visitor,
        "enrolment": enrolment,
        "appointment": appointment,
        "walk_in": walk_in,
        "hours": hours,
        "exception": exception,
        "location": location,
    }


def test_every_view_with_an_id_answers_404_to_other_digibanks(world):
    w = world
    gets = [
        reverse("sessions_app:activity_detail", args=[w["activity"].pk]),
        reverse("sessions_app:activity_edit", args=[w["activity"].pk]),
        reverse("sessions_app:enrol", args=[w["activity"].pk]),
        reverse("sessions_app:roll_call", args=[w["session"].pk]),
        reverse("sessions_app:opening_hours", args=[w["location"].pk]),
        reverse("sessions_app:day_view", args=[w["location"].pk]),
        reverse("sessions_app:appointment_detail", args=[w["appointment"].pk]),
        reverse("sessions_app:appointment_question", args=[w["appointment"].pk]),
        reverse("sessions_app:walk_in_question", args=[w["walk_in"].pk]),
        reverse("sessions_app:book") + f"?locatie={w['location'].pk}",
    ]
    posts = [
        reverse("sessions_app:session_create", args=[w["activity"].pk]),
        reverse("sessions_app:session_cancel", args=[w["session"].pk]),
        reverse("sessions_app:roll_call_walk_in", args=[w["session"].pk]),
        reverse("sessions_app:roll_call_anonymous", args=[w["session"].pk]),
        reverse("sessions_app:theme_wish_add", args=[w["session"].pk]),
        reverse("sessions_app:enrolment_cancel", args=[w["enrolment"].pk]),
        reverse("sessions_app:opening_hours_delete", args=[w["hours"].pk]),
        reverse("sessions_app:opening_exception_delete", args=[w["exception"].pk]),
        reverse("sessions_app:walk_in_add", args=[w["location"].pk]),
        reverse("sessions_app:walk_in_status", args=[w["walk_in"].pk]),
        reverse("sessions_app:appointment_status", args=[w["appointment"].pk]),
    ]
    coordinator_only = {
        "activity_edit",
        "opening_hours",
        "session_create",
        "session_cancel",
        "opening_hours_delete",
        "opening_exception_delete",
    }
    desk_only = {
        "roll_call",
        "day_view",
        "appointment_question",
        "walk_in_question",
        "roll_call_walk_in",
        "roll_call_anonymous",
        "theme_wish_add",
        "walk_in_add",
        "walk_in_status",
    }
    from django.urls import resolve

    for method, urls in (("get", gets), ("post", posts)):
        for url in urls:
            name = resolve(url.split("?")[0]).url_name
            roles = (
                [Role.COORDINATOR]
                if name in coordinator_only
                else [Role.VOLUNTEER, Role.COORDINATOR]
                if name in desk_only
                else [Role.VOLUNTEER, Role.COORDINATOR, Role.REFERRER]
            )
            path, _sep, query = url.partition("?")
            data = dict([query.split("=")]) if query else {"status": "cancelled"}
            assert_outsiders_get_404(path, method=method, roles=roles, data=data)
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED
    assert Enrolment.objects.get().status == EnrolmentStatus.ENROLLED


def test_referrers_may_book_and_enrol(
    referrer_client,
    referrer,
    make_activity,
    make_session,
    make_visitor,
    hours,
    location,
    next_week,
):
    activity = make_activity()
    session = make_session(activity)
    visitor = make_visitor(first_name="Nadia", last_name="Amrani")
    page = referrer_client.get(reverse("sessions_app:enrol", args=[activity.pk]), {"q": "amrani"})
    assert page.status_code == 200
    assert "Nadia" in page.content.decode()
    response = referrer_client.post(
        reverse("sessions_app:enrol", args=[activity.pk]),
        {"visitor": visitor.pk, "session": session.pk},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.enrolled_by, enrolment.enrolled_by_role) == (referrer, Role.REFERRER)
    data = {
        "location": location.pk,
        "visitor": visitor.pk,
        "question": "itsme blokkeert",
        "slot": aware(next_week, 9).isoformat(),
        "idempotency_key": "abc123",
    }
    url = reverse("sessions_app:book") + f"?locatie={location.pk}"
    first = referrer_client.post(url, data)
    second = referrer_client.post(url, data)  # a double click
    assert first.status_code == second.status_code == 302
    assert Appointment.objects.count() == 1
    assert Appointment.objects.get().booked_by == referrer


def test_referrers_see_no_history_of_other_visitors(
    referrer_client,
    referrer,
    world,
    volunteer,
):
    # Enrolled and booked by a digihelper: the referrer cannot open or cancel them.
    w = world
    assert (
        referrer_client.get(
            reverse("sessions_app:appointment_detail", args=[w["appointment"].pk])
        ).status_code
        == 404
    )
    assert (
        referrer_client.post(
            reverse("sessions_app:enrolment_cancel", args=[w["enrolment"].pk])
        ).status_code
        == 404
    )
    page = referrer_client.get(reverse("sessions_app:activity_detail", args=[w["activity"].pk]))
    assert w["visitor"].last_name not in page.content.decode()
    # Desk pages with participations and help questions are closed to referrers: 404 on a
    # page about one object (digibank.access.role_required), 403 on a list.
    for url in (
        reverse("sessions_app:roll_call", args=[w["session"].pk]),
        reverse("sessions_app:day_view", args=[w["location"].pk]),
        reverse("sessions_app:appointment_question", args=[w["appointment"].pk]),
    ):
        assert referrer_client.get(url).status_code == 404, url
    assert referrer_client.get(reverse("sessions_app:digipunt_list")).status_code == 403
    # The search shows name, birth year and code only.
    page = referrer_client.get(reverse("sessions_app:book"), {"q": w["visitor"].last_name})
    assert w["visitor"].visitor_code in page.content.decode()
    assert_roles_refused(
        reverse("sessions_app:activity_list"),
        digibank=w["location"].digibank,
        roles=[Role.VOLUNTEER, Role.REFERRER],
    )


def test_a_referrer_can_register_someone_new_with_four_fields(referrer_client, digibank):
    from registration.models import ConsentText

    ConsentText.objects.create(digibank=digibank, version=1, text="We schrijven je naam op.")
    refused = referrer_client.post(
        reverse("sessions_app:visitor_new"),
        {"first_name": "Jos", "last_name": "Claes", "birth_year": 1950, "postcode": "3300"},
    )
    assert "Vraag eerst toestemming" in refused.content.decode()
    assert not digibank.visitors.exists()
    response = referrer_client.post(
        reverse("sessions_app:visitor_new"),
        {
            "first_name": "Jos",
            "last_name": "Claes",
            "birth_year": 1950,
            "postcode": "3300",
            "consent": "on",
            "next": reverse("sessions_app:book"),
        },
    )
    assert response.status_code == 302
    visitor = digibank.visitors.get()
    assert visitor.consent_text.version == 1 and visitor.consent_given_at is not None
    assert response["Location"].endswith(f"visitor={visitor.pk}")
    assert visitor.visitor_code and visitor.pseudonymous_code


def test_booking_outside_hours_shows_a_clear_message(
    volunteer_client, hours, location, next_week, make_visitor
):
    response = volunteer_client.post(
        reverse("sessions_app:book") + f"?locatie={location.pk}",
        {
            "location": location.pk,
            "visitor": make_visitor().pk,
            "question": "itsme",
            "slot": aware(next_week, 15).isoformat(),
            "idempotency_key": "x1",
        },
    )
    assert response.status_code == 200
    assert "outside the appointment hours" in response.content.decode() or (
        "buiten" in response.content.decode()
    )
    assert Appointment.objects.count() == 0


def test_roll_call_page_ticks_write_participations(
    volunteer_client,
    make_activity,
    make_session,
    make_visitor,
    volunteer,
):
    activity = make_activity(capacity=10)
    session = make_session(activity)
    visitors = [make_visitor() for _ in range(3)]
    for v in visitors:
        services.enrolment_create(
            activity=activity,
            session=session,
            visitor=v,
            actor=volunteer,
            membership=membership_of(volunteer),
        )
    session.starts_at = timezone.now() - dt.timedelta(minutes=30)
    session.save()
    url = reverse("sessions_app:roll_call", args=[session.pk])
    response = volunteer_client.post(
        url, {"listed": [v.pk for v in visitors], "present": [visitors[0].pk, visitors[2].pk]}
    )
    assert response.status_code == 302
    assert set(Participation.objects.values_list("visitor_id", flat=True)) == {
        visitors[0].pk,
        visitors[2].pk,
    }


def test_list_and_day_pages_have_constant_query_counts(
    coordinator_client,
    coordinator,
    make_activity,
    make_session,
    make_visitor,
    location,
    django_assert_max_num_queries,
    next_week,
    hours,
):
    client = coordinator_client
    urls = [
        reverse("sessions_app:session_list"),
        reverse("sessions_app:activity_list"),
        reverse("sessions_app:day_view", args=[location.pk]) + f"?datum={next_week}",
        reverse("sessions_app:programme_public", args=[location.digibank.slug]),
    ]

    def add_rows(n):
        for _ in range(n):
            activity = make_activity(capacity=3)
            session = make_session(activity)
            services.enrolment_create(
                activity=activity,
                session=session,
                visitor=make_visitor(),
                actor=coordinator,
                membership=membership_of(coordinator),
            )
        for hour in (9, 10):
            Appointment.objects.create(
                digibank=location.digibank,
                location=location,
                visitor=make_visitor(),
                starts_at=aware(next_week, hour),
                ends_at=aware(next_week, hour, 30),
                place=1 + Appointment.objects.filter(starts_at=aware(next_week, hour)).count(),
                question="?",
                booked_by_role="coordinator",
            )

    add_rows(1)
    counts = {}
    for url in urls:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    add_rows(1)  # one more of everything; each slot is full now
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_the_public_programme_needs_no_login_and_shows_free_seats(
    make_activity,
    make_session,
    make_visitor,
    volunteer,
    digibank,
):
    activity = make_activity(title="Phishing herkennen", capacity=12)
    session = make_session(activity)
    services.enrolment_create(
        activity=activity,
        session=session,
        visitor=make_visitor(),
        actor=volunteer,
        membership=membership_of(volunteer),
    )
    hidden = make_activity(title="Intern overleg", published=False)
    make_session(hidden)
    page = Client().get(reverse("sessions_app:programme_public", args=[digibank.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Phishing herkennen" in html and ">11<" in html
    assert "Intern overleg" not in html


def test_day_view_walk_in_and_help_question(volunteer_client, location, volunteer):
    response = volunteer_client.post(
        reverse("sessions_app:walk_in_add", args=[location.pk]),
        {"call_name": "Rosa", "question": "foto's doorsturen", "triage": "short"},
    )
    assert response.status_code == 302
    walk_in = WalkIn.objects.get()
    response = volunteer_client.post(
        reverse("sessions_app:walk_in_status", args=[walk_in.pk]), {"status": "helped"}
    )
    assert response["Location"] == reverse("sessions_app:walk_in_question", args=[walk_in.pk])
    category = HelpCategory.objects.first()
    if category is None:
        category = HelpCategory.objects.create(code="test", name="Test")
    response = volunteer_client.post(
        response["Location"],
        {"categories": [category.pk], "concerned_service": "WhatsApp", "outcome": "solved"},
    )
    assert response.status_code == 302
    assert Participation.objects.get().help_questions.get().concerned_service == "WhatsApp"


def test_home_and_visitor_panels(rf, volunteer, referrer, location, world):
    from django.contrib.sessions.backends.cache import SessionStore

    request = rf.get("/")
    request.user, request.digibank = volunteer, location.digibank
    request.membership = membership_of(volunteer)
    request.session = SessionStore()
    assert nav.desk_today(request) is None  # no desk location chosen yet
    request.session[SESSION_DESK_LOCATION_KEY] = location.pk
    panel = nav.desk_today(request)
    assert [w.call_name for w in panel["walk_ins_waiting"]] == ["Nr 1"]
    request.user, request.membership = referrer, membership_of(referrer)
    rows = nav.referrer_upcoming(request)["rows"]
    assert [r["session"].pk for r in rows] == [world["session"].pk]
    plans = nav.visitor_plans(request, world["visitor"])
    assert [a.pk for a in plans["appointments"]] == [world["appointment"].pk]
    assert [e.pk for e in plans["enrolments"]] == [world["enrolment"].pk]


def test_home_pages_render_with_the_panels(location, world):
    volunteer = make_member(Role.VOLUNTEER, location.digibank)
    client = client_for(volunteer)
    session = client.session
    session[SESSION_DESK_LOCATION_KEY] = location.pk
    session.save()
    assert "Nr 1" in client.get("/").content.decode()
    referrer = make_member(Role.REFERRER, location.digibank)
    assert world["activity"].title in client_for(referrer).get("/").content.decode()


def test_every_page_renders_for_the_coordinator(coordinator_client, world, volunteer):
    w = world
    w["session"].starts_at = timezone.now() - dt.timedelta(minutes=10)
    w["session"].save()
    appointment = w["appointment"]
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=5)
    )
    services.appointment_set_status(
        appointment=appointment, status=AppointmentStatus.ATTENDED, actor=volunteer
    )
    urls = [
        reverse("sessions_app:activity_create"),
        reverse("sessions_app:activity_edit", args=[w["activity"].pk]),
        reverse("sessions_app:activity_detail", args=[w["activity"].pk]),
        reverse("sessions_app:enrol", args=[w["activity"].pk]) + f"?visitor={w['visitor'].pk}",
        reverse("sessions_app:roll_call", args=[w["session"].pk]) + "?q=voornaam",
        reverse("sessions_app:opening_hours", args=[w["location"].pk]),
        reverse("sessions_app:digipunt_list"),
        reverse("sessions_app:appointment_detail", args=[appointment.pk]),
        reverse("sessions_app:appointment_question", args=[appointment.pk]),
        reverse("sessions_app:home_visit") + f"?visitor={w['visitor'].pk}",
        reverse("sessions_app:visitor_new"),
    ]
    for url in urls:
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
    assert w["visitor"].first_name in coordinator_client.get(urls[4]).content.decode()


def test_activity_and_roll_call_pages_do_not_grow_with_enrolments(
    coordinator_client,
    coordinator,
    make_activity,
    make_session,
    make_visitor,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    activity = make_activity(capacity=50)
    session = make_session(activity, starts_at=timezone.now() + dt.timedelta(hours=1))

    def enrol(n):
        for _ in range(n):
            services.enrolment_create(
                activity=activity,
                session=session,
                visitor=make_visitor(),
                actor=coordinator,
                membership=membership_of(coordinator),
            )

    urls = [
        reverse("sessions_app:activity_detail", args=[activity.pk]),
        reverse("sessions_app:roll_call", args=[session.pk]),
    ]
    enrol(2)
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(url).status_code == 200
        counts[url] = len(queries)
    enrol(10)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert coordinator_client.get(url).status_code == 200
