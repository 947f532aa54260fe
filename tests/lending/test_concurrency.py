"""Two desks reserve the same device at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from lending import services
from lending.exceptions import LendingError
from lending.models import DeviceStatus, EligibilityCheck, Loan, LoanStatus
from tests.factories import DigibankFactory, LocationFactory, make_member
from tests.lending.factories import DeviceFactory
from tests.registration_factories import VisitorFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrency need PostgreSQL"
)


def _approved_without_device(digibank, coordinator, location):
    visitor = VisitorFactory(digibank=digibank)
    loan = services.loan_request(
        visitor=visitor, actor=coordinator, device_type="laptop", location=location
    )
    check = EligibilityCheck.objects.create(
        digibank=digibank,
        visitor=visitor,
        criterion="kansenpas",
        proof_seen="Kansenpas gezien",
        checked_on=loan.requested_at.date(),
    )
    Loan.objects.filter(pk=loan.pk).update(
        status=LoanStatus.APPROVED, eligibility_check=check, approved_by=coordinator
    )
    loan.refresh_from_db()
    return loan


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transactions_cannot_put_one_device_on_two_loans():
    digibank = DigibankFactory()
    coordinator = make_member("coordinator", digibank)
    location = LocationFactory(digibank=digibank)
    services.settings_for(digibank)
    device = DeviceFactory(digibank=digibank)
    loans = [_approved_without_device(digibank, coordinator, location) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def reserve_and_hand_over(loan):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                booked = services.loan_book_pickup(loan=loan, actor=coordinator, device=device)
                outcomes[loan.pk] = services.loan_pickup(
                    loan=booked,
                    actor=coordinator,
                    picked_up_on=booked.requested_at.date(),
                    agreement_signed=True,
                    deposit_paid=True,
                )
        except LendingError as error:
            outcomes[loan.pk] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reserve_and_hand_over, args=(loan,)) for loan in loans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [o for o in outcomes.values() if isinstance(o, Loan)]
    losers = [o for o in outcomes.values() if isinstance(o, LendingError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "niet vrij" in losers[0].message or "not free" in losers[0].message
    device.refresh_from_db()
    assert device.status == DeviceStatus.ON_LOAN
    assert Loan.objects.filter(device=device, status=LoanStatus.ACTIVE).count() == 1
    assert Loan.objects.filter(device=device).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_open_loan_on_a_device_even_without_the_service():
    digibank = DigibankFactory()
    coordinator = make_member("coordinator", digibank)
    location = LocationFactory(digibank=digibank)
    services.settings_for(digibank)
    device = DeviceFactory(digibank=digibank)
    first, second = (_approved_without_device(digibank, coordinator, location) for _ in range(2))
    Loan.objects.filter(pk=first.pk).update(device=device)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.filter(pk=second.pk).update(device=device)
