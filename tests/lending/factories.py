"""Factories for the lending tests."""

import datetime as dt

import factory

from lending.models import Device, DeviceSource, DeviceType, Donation
from tests.factories import DigibankFactory


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
