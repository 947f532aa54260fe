"""Factories for the lending tests."""

import datetime as dt

import factory
from django.utils import timezone

from lending.models import (
    CheckIn,
    Device,
    DeviceSource,
    DeviceStatus,
    DeviceType,
    Donation,
    Loan,
    LoanStatus,
    LoanTerm,
    Reminder,
    ReminderChannel,
    ReminderKind,
)
from tests.factories import DigibankFactory, LocationFactory
from tests.registration_factories import VisitorFactory


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    digibank = factory.SubFactory(DigibankFactory)
    donor_name = factory.Sequence(lambda n: f"Bedrijf {n} NV")
    received_on = dt.date(2025, 1, 15)
    device_count = 5


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    digibank = factory.SubFactory(DigibankFactory)
    type = DeviceType.LAPTOP
    brand = "Lenovo"
    model_name = "ThinkPad T480"
    serial_number = factory.Sequence(lambda n: f"SN{n:06d}")
    asset_tag = factory.Sequence(lambda n: f"TL-{n:04d}")
    source = DeviceSource.PURCHASED_REFURBISHED


class LoanFactory(factory.django.DjangoModelFactory):
    """A loan that is out (active): a device handed over today for a year."""

    class Meta:
        model = Loan

    digibank = factory.SubFactory(DigibankFactory)
    visitor = factory.SubFactory(VisitorFactory, digibank=factory.SelfAttribute("..digibank"))
    device = factory.SubFactory(
        DeviceFactory, digibank=factory.SelfAttribute("..digibank"), status=DeviceStatus.ON_LOAN
    )
    device_type = factory.SelfAttribute("device.type")
    location = factory.SubFactory(LocationFactory, digibank=factory.SelfAttribute("..digibank"))
    status = LoanStatus.ACTIVE
    requested_at = factory.LazyFunction(timezone.now)
    approved_at = factory.LazyFunction(timezone.now)
    term = LoanTerm.YEAR_1
    start_date = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyAttribute(lambda loan: loan.start_date + dt.timedelta(days=365))
    agreement_signed_at = factory.LazyFunction(timezone.now)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    loan = factory.SubFactory(LoanFactory)
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    loan = factory.SubFactory(LoanFactory)
    kind = ReminderKind.RETURN
    due_date = factory.SelfAttribute("loan.due_date")
    channel = ReminderChannel.PRINT
