"""Booking the pick-up also reserves the borrower's seat in the intro session, in one
transaction: a full session refuses the whole booking."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lending.exceptions import LendingError
from lending.models import DeviceStatus
from lending.services import loan_book_pickup
from sessions_app.models import Activity, Enrolment, EnrolmentStatus, Session, SignUp, TrainingKind
from sessions_app.services import enrolment_create
from tests.registration_factories import VisitorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def intro(digibank, location):
    activity = Activity.objects.create(
        digibank=digibank,
        location=location,
        kind=TrainingKind.WORKSHOP,
        title="Starten met je laptop",
        capacity=1,
        signup=SignUp.REQUIRED,
    )
    starts = timezone.now() + dt.timedelta(days=3)
    return Session.objects.create(
        digibank=digibank,
        activity=activity,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )


def test_booking_the_pickup_reserves_a_seat_in_the_intro_session(
    digibank, coordinator, make_loan, intro
):
    loan = make_loan("approved")
    device = loan.device
    loan = loan_book_pickup(
        loan=loan,
        actor=coordinator,
        device=device,
        intro_session=intro,
        membership=coordinator.memberships.get(),
    )
    enrolment = Enrolment.objects.get(visitor=loan.visitor, session=intro)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert loan.intro_enrolment == enrolment
    assert loan.intro_course_required is True
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED


def test_a_full_intro_session_refuses_the_booking_and_reserves_nothing(
    digibank, coordinator, make_loan, intro
):
    other = VisitorFactory(digibank=digibank)
    enrolment_create(
        activity=intro.activity, session=intro, visitor=other, actor=coordinator, membership=None
    )
    loan = make_loan("approved")
    device = loan.device
    with pytest.raises(LendingError, match="is volzet"):
        loan_book_pickup(loan=loan, actor=coordinator, device=device, intro_session=intro)
    loan.refresh_from_db()
    assert loan.intro_enrolment_id is None
    assert not Enrolment.objects.filter(visitor=loan.visitor).exists()


def test_approving_with_an_intro_session_books_device_and_seat_from_the_screen(
    digibank, coordinator_client, coordinator, make_loan, intro
):
    loan = make_loan("requested")
    check_page = coordinator_client.get(reverse("lending:loan_detail", args=[loan.pk]))
    assert "Starten met je laptop" in check_page.content.decode()
    from lending.services import eligibility_check_record

    check = eligibility_check_record(
        visitor=loan.visitor,
        actor=coordinator,
        criterion="kansenpas",
        proof_seen="Kansenpas gezien",
        valid_until=timezone.localdate() + dt.timedelta(days=200),
    )
    response = coordinator_client.post(
        reverse("lending:loan_approve", args=[loan.pk]),
        {
            "eligibility_check": check.pk,
            "term": "6m",
            "deposit_kind": "standard",
            "intro_session": intro.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    loan.refresh_from_db()
    assert loan.device is not None
    assert loan.intro_enrolment.session == intro
    assert "Plaats gereserveerd" in response.content.decode()
