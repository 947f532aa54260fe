import datetime as dt

import pytest
from django.utils import timezone

from lending import services
from lending.models import EligibilityCriterion
from tests.lending.factories import DeviceFactory
from tests.registration_factories import VisitorFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def lending_settings(digibank):
    return services.settings_for(digibank)


@pytest.fixture
def visitor(digibank):
    return VisitorFactory(digibank=digibank, first_name="Amina", last_name="El Idrissi")


@pytest.fixture
def device(digibank, location):
    return DeviceFactory(digibank=digibank, serial_number="PF1ABC23", location=location)


@pytest.fixture
def make_loan(digibank, location, coordinator, lending_settings, today):
    """A loan brought to `status` (requested, approved, active) through the services."""

    def make(status="active", *, visitor=None, device=None, start=None, term="12m", **approve):
        visitor = visitor or VisitorFactory(digibank=digibank)
        device = device or DeviceFactory(digibank=digibank)
        loan = services.loan_request(
            visitor=visitor, actor=coordinator, device_type=device.type, location=location
        )
        if status == "requested":
            return loan
        check = services.eligibility_check_record(
            visitor=visitor,
            actor=coordinator,
            criterion=EligibilityCriterion.UITPAS_KANSENTARIEF,
            proof_seen="UiTPAS kansentarief gezien",
            valid_until=today + dt.timedelta(days=300),
        )
        loan = services.loan_approve(
            loan=loan,
            actor=coordinator,
            eligibility_check=check,
            term=term,
            device=device,
            **approve,
        )
        if status == "approved":
            return loan
        return services.loan_pickup(
            loan=loan,
            actor=coordinator,
            picked_up_on=start or today,
            agreement_signed=True,
            deposit_paid=True,
        )

    return make
