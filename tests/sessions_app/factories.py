"""Factories for the workshops, appointments and walk-in models (used by the security suite)."""

import datetime as dt

import factory
from django.utils import timezone

from digibank.models import Role
from sessions_app.models import (
    Activity,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Attendance,
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
    WalkIn,
    WalkInStatus,
)
from tests.factories import DigibankFactory, LocationFactory
from tests.registration_factories import ParticipationFactory, VisitorFactory


def _next_week_at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=7)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    digibank = factory.SubFactory(DigibankFactory)
    name = factory.Sequence(lambda n: f"Thema {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    digibank = factory.SubFactory(DigibankFactory)
    location = factory.SubFactory(LocationFactory, digibank=factory.SelfAttribute("..digibank"))
    kind = TrainingKind.WORKSHOP
    title = factory.Sequence(lambda n: f"itsme in 1 uur ({n})")
    capacity = 12
    signup = SignUp.REQUIRED


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    digibank = factory.SelfAttribute("activity.digibank")
    starts_at = factory.LazyFunction(lambda: _next_week_at(14))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=2))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(SessionFactory)
    activity = factory.SelfAttribute("session.activity")
    digibank = factory.SelfAttribute("session.digibank")
    visitor = factory.SubFactory(VisitorFactory, digibank=factory.SelfAttribute("..digibank"))
    status = EnrolmentStatus.ENROLLED
    seat = factory.Sequence(lambda n: n + 1)
    enrolled_by_role = Role.VOLUNTEER


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    digibank = factory.SelfAttribute("session.digibank")
    visitor = factory.SubFactory(VisitorFactory, digibank=factory.SelfAttribute("..digibank"))


class ThemeWishFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThemeWish

    session = factory.SubFactory(SessionFactory)
    digibank = factory.SelfAttribute("session.digibank")
    text = "Online bankieren"
    count = 3


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    """Appointment hours next week: 9-12 u, slots of 30 minutes, 2 digihelpers on duty."""

    class Meta:
        model = OpeningHours

    location = factory.SubFactory(LocationFactory)
    digibank = factory.SelfAttribute("location.digibank")
    weekday = factory.LazyFunction(lambda: (timezone.localdate() + dt.timedelta(days=7)).weekday())
    start_time = dt.time(9)
    end_time = dt.time(12)
    mode = DeskMode.APPOINTMENT
    slot_minutes = 30
    helpers_on_duty = 2


class OpeningExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningException

    location = factory.SubFactory(LocationFactory)
    digibank = factory.SelfAttribute("location.digibank")
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    closed = True
    reason = "Brugdag"


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment next week the visitor came to (its participation is in the ledger)."""

    class Meta:
        model = Appointment

    location = factory.SubFactory(LocationFactory)
    digibank = factory.SelfAttribute("location.digibank")
    visitor = factory.SubFactory(VisitorFactory, digibank=factory.SelfAttribute("..digibank"))
    kind = AppointmentKind.DIGIPUNT
    starts_at = factory.LazyFunction(lambda: _next_week_at(10))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + dt.timedelta(minutes=30))
    place = factory.Sequence(lambda n: n + 1)
    question = "Hoe log ik in met itsme?"
    status = AppointmentStatus.ATTENDED
    participation = factory.SubFactory(
        ParticipationFactory, visitor=factory.SelfAttribute("..visitor")
    )
    booked_by_role = Role.VOLUNTEER


class WalkInFactory(factory.django.DjangoModelFactory):
    """Someone helped at the walk-in desk today (their participation is in the ledger)."""

    class Meta:
        model = WalkIn

    location = factory.SubFactory(LocationFactory)
    digibank = factory.SelfAttribute("location.digibank")
    visitor = factory.SubFactory(VisitorFactory, digibank=factory.SelfAttribute("..digibank"))
    call_name = "Nummer 7"
    arrived_at = factory.LazyFunction(timezone.now)
    question = "Foto's doorsturen"
    status = WalkInStatus.HELPED
    participation = factory.SubFactory(
        ParticipationFactory, visitor=factory.SelfAttribute("..visitor")
    )
