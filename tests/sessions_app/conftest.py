import datetime as dt

import pytest
from django.utils import timezone

from digibank.models import Membership
from sessions_app.models import (
    Activity,
    DeskMode,
    OpeningHours,
    Session,
    SignUp,
    TrainingKind,
)
from tests.registration_factories import VisitorFactory


def aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def next_week() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=7)


@pytest.fixture
def make_visitor(digibank):
    def make(**kwargs):
        kwargs.setdefault("digibank", digibank)
        return VisitorFactory(**kwargs)

    return make


@pytest.fixture
def make_activity(digibank, location):
    def make(**kwargs):
        kwargs.setdefault("digibank", digibank)
        kwargs.setdefault("location", location)
        kwargs.setdefault("kind", TrainingKind.WORKSHOP)
        kwargs.setdefault("title", "itsme in 1 uur")
        kwargs.setdefault("capacity", 2)
        kwargs.setdefault("signup", SignUp.REQUIRED)
        return Activity.objects.create(**kwargs)

    return make


@pytest.fixture
def make_session(next_week):
    def make(activity, *, starts_at=None, hours=2):
        starts_at = starts_at or aware(next_week, 14)
        return Session.objects.create(
            digibank_id=activity.digibank_id,
            activity=activity,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=hours),
        )

    return make


@pytest.fixture
def hours(location, next_week):
    """Appointment hours next week: 9-12 u, slots of 30 minutes, 2 digihelpers on duty."""
    return OpeningHours.objects.create(
        digibank=location.digibank,
        location=location,
        weekday=next_week.weekday(),
        start_time=dt.time(9),
        end_time=dt.time(12),
        mode=DeskMode.APPOINTMENT,
        slot_minutes=30,
        helpers_on_duty=2,
    )


def membership_of(user):
    return Membership.objects.select_related("organisation").get(user=user)
