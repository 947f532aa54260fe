"""Two people take the last seat or slot place at the same moment: only one gets it."""

import threading

import pytest
from django.db import connection

from sessions_app import services
from sessions_app.exceptions import SessionsError
from sessions_app.models import Appointment, Enrolment, EnrolmentStatus
from tests.sessions_app.conftest import aware, membership_of

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_people_taking_the_last_seat_at_once_get_one_seat(
    make_activity, make_session, make_visitor, volunteer
):
    activity = make_activity(capacity=1)
    session = make_session(activity)
    a, b = make_visitor(), make_visitor()
    membership = membership_of(volunteer)
    results = run_at_once(
        *(
            lambda v=v: services.enrolment_create(
                activity=activity,
                session=session,
                visitor=v,
                actor=volunteer,
                membership=membership,
            )
            for v in (a, b)
        )
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).count() == 1
    assert Enrolment.objects.filter(status=EnrolmentStatus.WAITING).count() == 1


def test_two_bookings_of_the_last_place_at_once_book_one(
    hours, location, next_week, make_visitor, volunteer
):
    hours.helpers_on_duty = 1
    hours.save()
    start = aware(next_week, 9)
    membership = membership_of(volunteer)
    results = run_at_once(
        *(
            lambda v=v: services.appointment_book(
                location=location,
                visitor=v,
                starts_at=start,
                question="itsme",
                actor=volunteer,
                membership=membership,
            )
            for v in (make_visitor(), make_visitor())
        )
    )
    assert sum(isinstance(r, Appointment) for r in results) == 1
    assert sum(isinstance(r, SessionsError) for r in results) == 1
    assert Appointment.objects.filter(starts_at=start).count() == 1


def test_a_double_click_arriving_at_once_books_once(
    hours, location, next_week, make_visitor, volunteer
):
    visitor = make_visitor()
    membership = membership_of(volunteer)
    results = run_at_once(
        *(
            lambda: services.appointment_book(
                location=location,
                visitor=visitor,
                starts_at=aware(next_week, 10),
                question="itsme",
                actor=volunteer,
                membership=membership,
                idempotency_key="dubbelklik",
            )
            for _ in range(2)
        )
    )
    assert all(isinstance(r, Appointment) for r in results), results
    assert results[0].pk == results[1].pk
    assert Appointment.objects.count() == 1
