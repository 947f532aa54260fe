from django.core.management import call_command

from digibank.models import Digibank
from lending.models import Device, Loan, WaitingListEntry
from registration.models import Participation


def test_the_demo_has_devices_and_loans_in_every_state(db):
    call_command("seed_demo", verbosity=0)
    digibank = Digibank.objects.get(slug="tienen-landen")
    devices = Device.objects.filter(digibank=digibank)
    assert devices.count() == 25
    assert {"laptop", "tablet", "card_reader", "assistive"} <= set(
        devices.values_list("type", flat=True)
    )
    assert devices.filter(donation__isnull=False).count() == 10
    loans = Loan.objects.filter(digibank=digibank)
    statuses = set(loans.values_list("status", flat=True))
    assert statuses == {"active", "returned", "lost", "approved", "requested"}
    assert loans.filter(is_permanent=True).count() == 1
    assert loans.filter(extensions__isnull=False).count() == 1
    assert loans.count() >= 15
    assert WaitingListEntry.objects.filter(digibank=digibank, served_at__isnull=True).count() == 1
    started = loans.filter(start_date__isnull=False).count()
    returned = loans.filter(returned_on__isnull=False).count()
    assert (
        Participation.objects.filter(
            digibank=digibank, form_of_service="lending", source_type__model="loan"
        ).count()
        == started + returned
    )
