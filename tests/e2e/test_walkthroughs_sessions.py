"""Walkthroughs of workshops and appointments: plan, enrol, roll call, book a digipunt visit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digibank.models import Role
from registration.models import FormOfService, Participation
from sessions_app import services
from sessions_app.models import (
    Activity,
    Appointment,
    AppointmentStatus,
    Attendance,
    DeskMode,
    Enrolment,
    OpeningHours,
    Session,
    SignUp,
    TrainingKind,
)
from tests.e2e.conftest import DESKTOP, TABLET, VIEWPORTS
from tests.e2e.helpers import assert_accessible, log_in, nl, submit
from tests.factories import make_member
from tests.registration_factories import VisitorFactory


def _menu(page, label: str) -> None:
    page.get_by_role("navigation", name=nl("Main menu")).get_by_role(
        "link", name=nl(label), exact=True
    ).click()
    page.wait_for_load_state()
    assert_accessible(page)


def _pick_visitor(page, query: str, name: str) -> None:
    """The visitor picker: search by a name fragment, choose from the results."""
    page.locator("#visitor-q").fill(query)
    page.locator("#visitor-q").press("Enter")
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator(".picker-results").get_by_role("link", name=name).click()
    page.wait_for_load_state()
    expect(page.locator("[aria-labelledby=picker-title]")).to_contain_text(name)
    assert_accessible(page)


@pytest.fixture
def library(seeded_digibank):
    return seeded_digibank.locations.get(name="Bibliotheek Tienen")


@pytest.fixture
def todays_workshop(seeded_digibank, library):
    """A smartphone workshop that starts in a minute, with three people enrolled."""
    coordinator = make_member(Role.COORDINATOR, seeded_digibank)
    activity = Activity.objects.create(
        digibank=seeded_digibank,
        kind=TrainingKind.WORKSHOP,
        title="Je smartphone veilig gebruiken",
        location=library,
        capacity=10,
        signup=SignUp.REQUIRED,
    )
    starts = timezone.now() + dt.timedelta(minutes=1)
    session = services.session_create(
        activity=activity,
        actor=coordinator,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        location=None,
    )
    membership = coordinator.memberships.get()
    people = [
        VisitorFactory(digibank=seeded_digibank, first_name=first, last_name=last)
        for first, last in (("Anna", "Claes"), ("Bert", "Wouters"), ("Chris", "Maes"))
    ]
    for visitor in people:
        services.enrolment_create(
            activity=activity,
            session=session,
            visitor=visitor,
            actor=coordinator,
            membership=membership,
        )
    return session, people


@pytest.mark.parametrize(
    ("role", "viewport"),
    [
        pytest.param(Role.VOLUNTEER, TABLET, id="volunteer-1024x768"),
        pytest.param(Role.VOLUNTEER, DESKTOP, id="volunteer-1920x1080"),
        pytest.param(Role.COORDINATOR, TABLET, id="coordinator-1024x768"),
    ],
    indirect=["viewport"],
)
def test_taking_attendance_at_a_workshop_writes_training_participations(
    page, seeded_digibank, todays_workshop, role, viewport
):
    session, (anna, bert, chris) = todays_workshop
    walk_in = VisitorFactory(digibank=seeded_digibank, first_name="Dirk", last_name="Jacobs")
    log_in(page, make_member(role, seeded_digibank))
    _menu(page, "Workshops")
    page.get_by_role("link", name=re.compile("Je smartphone veilig gebruiken")).first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=nl("Attendance")).first.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Je smartphone veilig gebruiken")
    assert_accessible(page)

    # Tick Anna and Chris; Bert did not come.
    page.get_by_label("Anna Claes").check()
    page.get_by_label("Chris Maes").check()
    page.get_by_role("button", name=nl("Save attendance")).click()
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.get_by_label("Anna Claes")).to_be_checked()
    expect(page.get_by_label("Bert Wouters")).not_to_be_checked()
    assert_accessible(page)

    # Dirk was not enrolled: found by a name fragment and marked present.
    _pick_visitor(page, "jaco", "Dirk Jacobs")
    page.get_by_role("button", name=re.compile("Dirk")).click()
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_contain_text("Dirk")
    expect(page.get_by_label(re.compile("Dirk Jacobs"))).to_be_checked()
    assert_accessible(page)

    # Two people came without registering.
    page.locator("#id_count").fill("2")
    page.locator("form:has(#id_count) button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("h1 + p")).to_contain_text("5")
    assert_accessible(page)

    training = Participation.objects.filter(
        digibank=seeded_digibank, form_of_service=FormOfService.TRAINING
    )
    assert {p.visitor for p in training if p.visitor} == {anna, chris, walk_in}
    assert training.filter(visitor=None).count() == 2
    assert not training.filter(visitor=bert).exists()
    assert all(p.location.name == "Bibliotheek Tienen" for p in training)
    assert Attendance.objects.filter(session=session).count() == 5
    assert {p.activity_name for p in training} == {"Je smartphone veilig gebruiken"}


def test_a_coordinator_plans_a_workshop_with_a_date(page, seeded_digibank, library):
    coordinator = make_member(Role.COORDINATOR, seeded_digibank)
    log_in(page, coordinator)
    _menu(page, "Activities")
    page.get_by_role("link", name=re.compile(nl("New activity"), re.I)).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("#id_kind").select_option(TrainingKind.WORKSHOP)
    page.locator("#id_title").fill("Itsme installeren")
    page.locator("#id_theme").select_option(label=nl("itsme"))
    page.locator("#id_location").select_option(label="Bibliotheek Tienen")
    page.locator("#id_organisation").select_option(label="OCMW Tienen")
    page.locator("#id_capacity").fill("8")
    page.locator("#id_audience_notes").fill("Voor beginners, breng je smartphone mee")
    submit(page)
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Itsme installeren")
    assert_accessible(page)

    day = timezone.localdate() + dt.timedelta(days=14)
    form = page.locator("form[action$='/sessies/']")
    form.locator("#id_date").fill(day.isoformat())
    form.locator("#id_start_time").fill("14:00")
    form.locator("#id_end_time").fill("16:00")
    form.locator("#id_repeat_weeks").fill("2")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(2)
    assert_accessible(page)

    activity = Activity.objects.get(digibank=seeded_digibank, title="Itsme installeren")
    assert (activity.kind, activity.capacity, activity.location.name) == (
        TrainingKind.WORKSHOP,
        8,
        "Bibliotheek Tienen",
    )
    assert activity.organisation.name == "OCMW Tienen"
    sessions = list(Session.objects.filter(activity=activity).order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).date() for s in sessions] == [
        day,
        day + dt.timedelta(weeks=1),
    ]
    assert timezone.localtime(sessions[0].starts_at).time() == dt.time(14, 0)
    assert timezone.localtime(sessions[0].ends_at).time() == dt.time(16, 0)

    # The public programme shows it, without logging in.
    page.context.clear_cookies()
    page.goto(f"/vorming/programma/{seeded_digibank.slug}/")
    expect(page.locator("main")).to_contain_text("Itsme installeren")
    assert_accessible(page)


@pytest.fixture
def referrer(seeded_digibank):
    return make_member(Role.REFERRER, seeded_digibank, name="Rita Referent")


@pytest.mark.parametrize("viewport", VIEWPORTS, indirect=True)
def test_a_referrer_books_a_digipunt_appointment_for_a_visitor(
    page, seeded_digibank, library, referrer, viewport
):
    for weekday in range(7):
        OpeningHours.objects.create(
            digibank=seeded_digibank,
            location=library,
            weekday=weekday,
            start_time=dt.time(9, 0),
            end_time=dt.time(12, 0),
            mode=DeskMode.BOTH,
            slot_minutes=30,
            helpers_on_duty=1,
        )
    visitor = VisitorFactory(digibank=seeded_digibank, first_name="Fatima", last_name="Bakkali")
    log_in(page, referrer)
    _menu(page, "Book an appointment")
    day = timezone.localdate() + dt.timedelta(days=2)
    page.locator("#locatie").select_option(label="Bibliotheek Tienen")
    page.locator("#datum").fill(day.isoformat())
    page.get_by_role("button", name=nl("Show free times")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    _pick_visitor(page, "bakk", "Fatima Bakkali")
    page.get_by_label(re.compile(r"^10:00")).check()
    page.locator("#id_question").fill("Ze krijgt haar itsme niet geactiveerd op een nieuwe gsm")
    page.get_by_role("button", name=nl("Book"), exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("h1")).to_have_text(nl("Your appointment at the digipunt"))
    expect(page.locator("main")).to_contain_text("Fatima Bakkali")
    expect(page.locator("main")).to_contain_text("10:00")
    assert_accessible(page)

    appointment = Appointment.objects.get(visitor=visitor)
    assert appointment.location == library
    assert timezone.localtime(appointment.starts_at) == timezone.make_aware(
        dt.datetime.combine(day, dt.time(10, 0))
    )
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.booked_by == referrer
    assert appointment.booked_by_role == Role.REFERRER
    assert appointment.referrer_organisation == referrer.memberships.get().organisation
    assert "itsme" in appointment.question


def test_a_referrer_enrols_someone_in_a_workshop(page, seeded_digibank, library, referrer):
    coordinator = make_member(Role.COORDINATOR, seeded_digibank)
    activity = Activity.objects.create(
        digibank=seeded_digibank,
        kind=TrainingKind.INFO_SESSION,
        title="Veilig online bankieren",
        location=library,
        capacity=12,
        signup=SignUp.REQUIRED,
    )
    starts = timezone.now() + dt.timedelta(days=7)
    session = services.session_create(
        activity=activity,
        actor=coordinator,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        location=None,
    )
    visitor = VisitorFactory(digibank=seeded_digibank, first_name="Guido", last_name="Smets")
    log_in(page, referrer)
    _menu(page, "Workshops")
    page.get_by_role("link", name=re.compile("Veilig online bankieren")).first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=nl("Enrol someone")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    _pick_visitor(page, "smet", "Guido Smets")
    page.get_by_role("button", name=nl("Enrol"), exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_contain_text("Guido")
    expect(page.locator("main")).to_contain_text("Guido Smets")
    assert_accessible(page)

    enrolment = Enrolment.objects.get(visitor=visitor)
    assert (enrolment.activity, enrolment.session, enrolment.status) == (
        activity,
        session,
        "enrolled",
    )
    assert enrolment.enrolled_by == referrer
    assert enrolment.referrer_organisation == referrer.memberships.get().organisation
