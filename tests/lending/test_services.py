import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from digibank.models import AuditLogEntry
from lending import services
from lending.exceptions import LendingError
from lending.models import (
    CheckIn,
    DepositKind,
    Device,
    DeviceCondition,
    DeviceSource,
    DeviceStatus,
    EligibilityCheck,
    EligibilityCriterion,
    Loan,
    LoanExtension,
    LoanStatus,
    WaitingListEntry,
    WipeMethod,
)
from registration.models import ActivityKind, FormOfService, Participation
from tests.factories import LocationFactory, OrganisationFactory
from tests.lending.factories import DeviceFactory, DonationFactory
from tests.registration_factories import VisitorFactory

# -- The whole life cycle ----------------------------------------------------------------------


def test_it_takes_a_loan_from_request_to_return_and_writes_two_participations(
    digibank, location, volunteer, coordinator, visitor, device, lending_settings, today
):
    loan = services.loan_request(
        visitor=visitor,
        actor=volunteer,
        device_type="laptop",
        location=location,
        request_note="Voor de cursus Nederlands",
    )
    assert loan.status == LoanStatus.REQUESTED
    assert loan.term == "12m" and loan.deposit_amount == Decimal("50.00")
    assert loan.intro_course_required is True

    check = services.eligibility_check_record(
        visitor=visitor,
        actor=volunteer,
        criterion=EligibilityCriterion.UITPAS_KANSENTARIEF,
        proof_seen="UiTPAS kansentarief gezien",
        valid_until=today + dt.timedelta(days=200),
    )
    loan = services.loan_approve(
        loan=loan,
        actor=coordinator,
        eligibility_check=check,
        term="12m",
        deposit_kind=DepositKind.SOCIAL_TARIFF,
    )
    device.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED
    assert loan.device == device and device.status == DeviceStatus.RESERVED
    assert loan.deposit_amount == Decimal("10.00")
    assert loan.approved_by == coordinator

    loan = services.loan_pickup(
        loan=loan, actor=volunteer, picked_up_on=today, agreement_signed=True, deposit_paid=True
    )
    device.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and device.status == DeviceStatus.ON_LOAN
    assert loan.start_date == today
    assert loan.due_date == services.add_months(today, 12)
    assert loan.deposit_paid_at is not None and loan.agreement_signed_at is not None
    assert CheckIn.objects.get(loan=loan).planned_on == services.add_months(today, 6)

    loan = services.loan_return(
        loan=loan,
        actor=volunteer,
        returned_on=today,
        condition=DeviceCondition.FAIR,
        notes="Kras op het deksel",
    )
    device.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED and loan.returned_on == today
    assert device.status == DeviceStatus.IN_STOCK and device.needs_wipe is True
    assert device.condition == DeviceCondition.FAIR

    rows = Participation.objects.filter(visitor=visitor).order_by("id")
    assert [(p.source_event, p.form_of_service, p.activity_kind, p.location) for p in rows] == [
        ("pickup", FormOfService.LENDING, ActivityKind.LOAN, location),
        ("return", FormOfService.LENDING, ActivityKind.LOAN, location),
    ]
    assert rows[0].source == loan
    actions = set(
        AuditLogEntry.objects.filter(
            object_id=str(loan.pk), action__startswith="lending.loan"
        ).values_list("action", flat=True)
    )
    assert {
        "lending.loan.requested",
        "lending.loan.approved",
        "lending.loan.pickup_booked",
        "lending.loan.picked_up",
        "lending.loan.returned",
    } <= actions


def test_it_refuses_a_pickup_without_signed_agreement_or_paid_deposit(make_loan, volunteer, today):
    loan = make_loan("approved")
    with pytest.raises(LendingError, match=r"overeenkomst|agreement"):
        services.loan_pickup(loan=loan, actor=volunteer, picked_up_on=today, agreement_signed=False)
    with pytest.raises(LendingError) as error:
        services.loan_pickup(loan=loan, actor=volunteer, picked_up_on=today, agreement_signed=True)
    assert error.value.field == "deposit_paid"
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED and loan.start_date is None
    assert not Participation.objects.filter(source_id=loan.pk).exists()


def test_it_puts_a_request_on_the_waiting_list_and_serves_it_in_order(
    digibank, make_loan, coordinator, today
):
    first = make_loan("requested")
    second = make_loan("requested")
    Device.objects.filter(digibank=digibank).update(status=DeviceStatus.IN_REPAIR)
    for loan in (first, second):
        check = EligibilityCheck.objects.create(
            digibank=digibank,
            visitor=loan.visitor,
            criterion="kansenpas",
            proof_seen="Kansenpas gezien",
            checked_on=today,
        )
        services.loan_approve(loan=loan, actor=coordinator, eligibility_check=check, term="6m")
    entries = list(WaitingListEntry.objects.order_by("added_at", "id"))
    assert [e.loan_id for e in entries] == [first.pk, second.pk]

    free = DeviceFactory(digibank=digibank)
    with pytest.raises(LendingError, match="1"):
        services.loan_book_pickup(loan=second, actor=coordinator, device=free)
    services.loan_book_pickup(loan=first, actor=coordinator, device=free)
    entries[0].refresh_from_db()
    assert entries[0].served_at is not None
    free.refresh_from_db()
    assert free.status == DeviceStatus.RESERVED


# -- Eligibility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "criterion",
    [
        EligibilityCriterion.UITPAS_KANSENTARIEF,
        EligibilityCriterion.KANSENPAS,
        EligibilityCriterion.INCREASED_ALLOWANCE,
        EligibilityCriterion.LIVING_WAGE,
        EligibilityCriterion.COURSE_OR_TRAJECTORY,
    ],
)
def test_each_document_criterion_needs_the_proof_seen_and_its_validity(
    criterion, visitor, volunteer, lending_settings, today
):
    with pytest.raises(LendingError) as error:
        services.eligibility_check_record(visitor=visitor, actor=volunteer, criterion=criterion)
    assert error.value.field == "proof_seen"
    with pytest.raises(LendingError) as error:
        services.eligibility_check_record(
            visitor=visitor, actor=volunteer, criterion=criterion, proof_seen="gezien"
        )
    assert error.value.field == "valid_until"
    assert not EligibilityCheck.objects.exists()
    check = services.eligibility_check_record(
        visitor=visitor,
        actor=volunteer,
        criterion=criterion,
        proof_seen="Attest gezien",
        valid_until=today + dt.timedelta(days=30),
    )
    assert (check.criterion, check.proof_seen, check.checked_by) == (
        criterion,
        "Attest gezien",
        volunteer,
    )
    assert check.checked_on == today and not check.is_override


def test_a_social_referral_needs_the_professionals_motivation(visitor, volunteer, lending_settings):
    with pytest.raises(LendingError) as error:
        services.eligibility_check_record(
            visitor=visitor, actor=volunteer, criterion=EligibilityCriterion.SOCIAL_REFERRAL
        )
    assert error.value.field == "motivation"
    org = OrganisationFactory(digibank=visitor.digibank, name="OCMW")
    check = services.eligibility_check_record(
        visitor=visitor,
        actor=volunteer,
        criterion=EligibilityCriterion.SOCIAL_REFERRAL,
        motivation="Schoolgaande kinderen, geen computer thuis.",
        referrer_organisation=org,
    )
    assert check.motivation.startswith("Schoolgaande") and check.referrer_organisation == org


def test_no_conditions_is_only_accepted_where_the_digibank_lends_to_everyone(
    visitor, volunteer, coordinator, lending_settings, make_loan
):
    with pytest.raises(LendingError, match=r"voorwaarde|criterion"):
        services.eligibility_check_record(
            visitor=visitor, actor=volunteer, criterion=EligibilityCriterion.NONE
        )
    loan = make_loan("requested", visitor=visitor)
    with pytest.raises(LendingError) as error:
        services.loan_approve(loan=loan, actor=coordinator, eligibility_check=None, term="12m")
    assert error.value.field == "eligibility_check"

    lending_settings.eligibility_criteria = [EligibilityCriterion.NONE]
    lending_settings.save()
    check = services.eligibility_check_record(
        visitor=visitor, actor=volunteer, criterion=EligibilityCriterion.NONE
    )
    assert check.criterion == "none"
    loan = services.loan_approve(loan=loan, actor=coordinator, eligibility_check=None, term="12m")
    assert loan.status == LoanStatus.APPROVED


def test_a_criterion_the_digibank_does_not_use_is_refused(visitor, volunteer, lending_settings):
    lending_settings.eligibility_criteria = [EligibilityCriterion.KANSENPAS]
    lending_settings.save()
    with pytest.raises(LendingError) as error:
        services.eligibility_check_record(
            visitor=visitor,
            actor=volunteer,
            criterion=EligibilityCriterion.LIVING_WAGE,
            proof_seen="Attest leefloon gezien",
            valid_until=dt.date(2099, 1, 1),
        )
    assert error.value.field == "criterion"


def test_only_a_coordinator_can_override_and_only_with_a_reason(
    visitor, volunteer, coordinator, lending_settings
):
    lending_settings.eligibility_criteria = [EligibilityCriterion.KANSENPAS]
    lending_settings.save()
    with pytest.raises(LendingError, match=r"coördinator|coordinator"):
        services.eligibility_check_record(
            visitor=visitor,
            actor=volunteer,
            criterion=EligibilityCriterion.NONE,
            override_reason="Dringend nodig voor sollicitaties",
        )
    check = services.eligibility_check_record(
        visitor=visitor,
        actor=coordinator,
        criterion=EligibilityCriterion.NONE,
        override_reason="Dringend nodig voor sollicitaties",
    )
    assert check.is_override and check.override_reason == "Dringend nodig voor sollicitaties"
    assert AuditLogEntry.objects.filter(action="lending.eligibility.overridden").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityCheck.objects.filter(pk=check.pk).update(override_reason="")


def test_an_expired_proof_cannot_approve_a_loan(make_loan, coordinator, today):
    loan = make_loan("requested")
    check = EligibilityCheck.objects.create(
        digibank=loan.digibank,
        visitor=loan.visitor,
        criterion="kansenpas",
        proof_seen="Kansenpas gezien",
        checked_on=today - dt.timedelta(days=400),
        valid_until=today - dt.timedelta(days=1),
    )
    with pytest.raises(LendingError, match=r"verlopen|expired"):
        services.loan_approve(loan=loan, actor=coordinator, eligibility_check=check, term="12m")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REQUESTED


def test_it_refuses_to_note_a_national_register_number(visitor, volunteer, lending_settings):
    with pytest.raises(LendingError) as error:
        services.eligibility_check_record(
            visitor=visitor,
            actor=volunteer,
            criterion=EligibilityCriterion.KANSENPAS,
            proof_seen="Kaart 85.07.30-033.61 gezien",
            valid_until=dt.date(2099, 1, 1),
        )
    assert error.value.field == "proof_seen"
    assert not EligibilityCheck.objects.exists()


def test_eligibility_check_has_no_field_for_a_scan_or_copy():
    kinds = {f.get_internal_type() for f in EligibilityCheck._meta.fields}
    assert not kinds & {"FileField", "ImageField", "BinaryField"}


# -- Deposits ----------------------------------------------------------------------------------


def test_the_deposit_is_paid_then_refunded_after_the_return(make_loan, volunteer, today):
    loan = make_loan("approved")
    assert loan.deposit_kind == DepositKind.STANDARD and loan.deposit_amount == Decimal("50")
    loan = services.loan_record_deposit(loan=loan, actor=volunteer)
    assert loan.deposit_paid_at is not None
    with pytest.raises(LendingError):
        services.loan_record_deposit(loan=loan, actor=volunteer)
    loan = services.loan_pickup(
        loan=loan, actor=volunteer, picked_up_on=today, agreement_signed=True
    )
    with pytest.raises(LendingError):
        services.loan_refund_deposit(loan=loan, actor=volunteer)
    loan = services.loan_return(
        loan=loan, actor=volunteer, returned_on=today, condition=DeviceCondition.GOOD
    )
    assert loan.deposit_to_refund
    loan = services.loan_refund_deposit(loan=loan, actor=volunteer)
    assert loan.deposit_refunded_at is not None and not loan.deposit_to_refund
    with pytest.raises(LendingError):
        services.loan_refund_deposit(loan=loan, actor=volunteer)


def test_a_waived_deposit_needs_a_reason_and_then_nothing_is_due(
    make_loan, coordinator, volunteer, today
):
    with pytest.raises(LendingError) as error:
        make_loan("approved", deposit_kind=DepositKind.WAIVED)
    assert error.value.field == "deposit_waived_reason"
    loan = make_loan(
        "approved", deposit_kind=DepositKind.WAIVED, deposit_waived_reason="Leefloon, via OCMW"
    )
    assert loan.deposit_amount == 0 and loan.deposit_waived_reason == "Leefloon, via OCMW"
    loan = services.loan_pickup(
        loan=loan, actor=volunteer, picked_up_on=today, agreement_signed=True
    )
    assert loan.status == LoanStatus.ACTIVE and loan.deposit_paid_at is None
    with pytest.raises(LendingError):
        services.loan_record_deposit(loan=loan, actor=volunteer)


def test_the_social_tariff_follows_the_digibank_settings(make_loan, lending_settings):
    lending_settings.social_tariff_amount = Decimal("7.50")
    lending_settings.save()
    loan = make_loan("approved", deposit_kind=DepositKind.SOCIAL_TARIFF)
    assert loan.deposit_amount == Decimal("7.50")


def test_a_negative_deposit_is_refused_with_a_message_and_nothing_changes(
    digibank, coordinator, lending_settings
):
    data = {name: getattr(lending_settings, name) for name in services.SETTINGS_FIELDS}
    with pytest.raises(LendingError, match=r"nul|zero") as error:
        services.lending_settings_update(
            digibank=digibank, actor=coordinator, **{**data, "deposit_amount": Decimal("-5")}
        )
    assert error.value.field == "deposit_amount"
    lending_settings.refresh_from_db()
    assert lending_settings.deposit_amount == Decimal("50.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(lending_settings).objects.filter(pk=lending_settings.pk).update(
            social_tariff_amount=Decimal("-1")
        )


def test_the_database_refuses_a_negative_deposit_on_a_loan(make_loan):
    loan = make_loan("requested")
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.filter(pk=loan.pk).update(deposit_amount=Decimal("-0.01"))


# -- Extension, permanent, lost, cancel --------------------------------------------------------


def test_it_extends_an_active_loan_and_keeps_the_history(make_loan, volunteer, today):
    loan = make_loan(start=today - dt.timedelta(days=200), term="6m")
    old_due = loan.due_date
    with pytest.raises(LendingError) as error:
        services.loan_extend(loan=loan, actor=volunteer, new_due_date=old_due)
    assert error.value.field == "new_due_date"
    new_due = services.add_months(old_due, 6)
    loan = services.loan_extend(
        loan=loan, actor=volunteer, new_due_date=new_due, reason="Cursus loopt langer"
    )
    assert loan.due_date == new_due
    extension = LoanExtension.objects.get(loan=loan)
    assert (extension.previous_due_date, extension.new_due_date) == (old_due, new_due)


def test_a_coordinator_assigns_a_device_permanently(make_loan, volunteer, coordinator):
    loan = make_loan()
    with pytest.raises(LendingError):
        services.loan_make_permanent(loan=loan, actor=volunteer, reason="Blijvende nood")
    with pytest.raises(LendingError) as error:
        services.loan_make_permanent(loan=loan, actor=coordinator, reason="  ")
    assert error.value.field == "reason"
    loan = services.loan_make_permanent(loan=loan, actor=coordinator, reason="Blijvende nood")
    assert loan.is_permanent and loan.due_date is None and loan.term == "indefinite"
    assert loan.status == LoanStatus.ACTIVE
    assert not CheckIn.objects.filter(loan=loan, done_on__isnull=True).exists()
    with pytest.raises(LendingError):
        services.loan_extend(loan=loan, actor=coordinator, new_due_date=dt.date(2099, 1, 1))


def test_a_lost_device_ends_the_loan_and_leaves_the_stock(make_loan, volunteer, today):
    loan = make_loan()
    with pytest.raises(LendingError) as error:
        services.loan_report_lost(loan=loan, actor=volunteer, lost_on=today, notes="")
    assert error.value.field == "notes"
    loan = services.loan_report_lost(
        loan=loan, actor=volunteer, lost_on=today, notes="Gestolen op de bus"
    )
    loan.device.refresh_from_db()
    assert loan.status == LoanStatus.LOST and loan.lost_on == today
    assert loan.device.status == DeviceStatus.LOST
    with pytest.raises(LendingError):
        services.loan_return(
            loan=loan, actor=volunteer, returned_on=today, condition=DeviceCondition.GOOD
        )


def test_cancelling_an_approved_request_frees_the_device(make_loan, volunteer):
    loan = make_loan("approved")
    services.loan_cancel(loan=loan, actor=volunteer, reason="Heeft zelf een laptop gekregen")
    loan.device.refresh_from_db()
    assert loan.device.status == DeviceStatus.IN_STOCK
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CANCELLED


def test_a_visitor_cannot_have_two_open_requests_for_the_same_type(make_loan, coordinator):
    loan = make_loan("requested")
    with pytest.raises(LendingError):
        services.loan_request(visitor=loan.visitor, actor=coordinator, device_type="laptop")
    assert Loan.objects.filter(visitor=loan.visitor).count() == 1


def test_check_in_moments_are_planned_and_recorded(make_loan, volunteer, today):
    loan = make_loan(start=today - dt.timedelta(days=10))
    planned = services.check_in_plan(
        loan=loan, actor=volunteer, planned_on=today + dt.timedelta(days=3)
    )
    with pytest.raises(LendingError):
        services.check_in_record(
            check_in=planned, actor=volunteer, done_on=today - dt.timedelta(days=30)
        )
    done = services.check_in_record(
        check_in=planned, actor=volunteer, done_on=today, notes="Werkt goed"
    )
    assert done.done_on == today and done.done_by == volunteer
    with pytest.raises(LendingError):
        services.check_in_record(check_in=planned, actor=volunteer, done_on=today)


# -- Wipes -------------------------------------------------------------------------------------


def test_a_returned_device_needs_a_new_wipe_before_it_goes_out_again(
    digibank, make_loan, coordinator, volunteer, today
):
    first = make_loan(start=today - dt.timedelta(days=30))
    device = first.device
    services.loan_return(
        loan=first, actor=volunteer, returned_on=today, condition=DeviceCondition.GOOD
    )
    second = make_loan("requested")
    Device.objects.exclude(pk=device.pk).update(status=DeviceStatus.RETIRED)
    check = EligibilityCheck.objects.create(
        digibank=digibank,
        visitor=second.visitor,
        criterion="kansenpas",
        proof_seen="gezien",
        checked_on=today,
    )
    with pytest.raises(LendingError, match=r"gewist|wiped"):
        services.loan_approve(
            loan=second, actor=coordinator, eligibility_check=check, term="12m", device=device
        )
    second.refresh_from_db()
    assert second.status == LoanStatus.REQUESTED and second.device is None
    # Without an explicit device it is not offered either: the request waits.
    second = services.loan_approve(
        loan=second, actor=coordinator, eligibility_check=check, term="12m"
    )
    assert second.device is None and WaitingListEntry.objects.filter(loan=second).exists()

    with pytest.raises(LendingError) as error:
        services.wipe_record(
            device=device,
            actor=volunteer,
            wiped_on=today - dt.timedelta(days=31),
            method=WipeMethod.OVERWRITE,
            performed_by="Den Azalee",
        )
    assert error.value.field == "wiped_on"
    services.wipe_record(
        device=device,
        actor=volunteer,
        wiped_on=today,
        method=WipeMethod.OVERWRITE,
        performed_by="Jan, Den Azalee",
        tool="nwipe",
    )
    device.refresh_from_db()
    assert device.needs_wipe is False and device.wipes.count() == 1
    second = services.loan_book_pickup(loan=second, actor=coordinator, device=device)
    assert second.device == device


def test_a_donated_device_must_be_wiped_before_its_first_loan(digibank, coordinator):
    donation = DonationFactory(digibank=digibank)
    device = services.device_create(
        digibank=digibank,
        actor=coordinator,
        type="laptop",
        brand="Dell",
        model_name="Latitude 5490",
        serial_number="DL-123",
        asset_tag="tl-0100",
        source=DeviceSource.DONATED,
        donation=donation,
    )
    assert device.needs_wipe is True and device.asset_tag == "TL-0100"
    assert not device.lendable


# -- Bad input ---------------------------------------------------------------------------------


def test_an_existing_serial_number_is_refused_with_a_clear_message(
    digibank, other_digibank, coordinator, device
):
    fields = {
        "type": "laptop",
        "brand": "HP",
        "serial_number": " pf1abc23 ",
        "asset_tag": "TL-9999",
        "source": DeviceSource.PURCHASED_NEW,
    }
    with pytest.raises(LendingError, match=r"PF1ABC23|pf1abc23") as error:
        services.device_create(digibank=digibank, actor=coordinator, **fields)
    assert error.value.field == "serial_number"
    assert Device.objects.filter(digibank=digibank).count() == 1
    # Another digibank may have a device with the same serial number.
    services.device_create(digibank=other_digibank, actor=None, **fields)
    with pytest.raises(LendingError) as error:
        services.device_create(
            digibank=digibank,
            actor=coordinator,
            **{**fields, "serial_number": "NEW-1", "asset_tag": device.asset_tag.lower()},
        )
    assert error.value.field == "asset_tag"


def test_a_return_date_before_the_start_is_refused_and_nothing_changes(make_loan, volunteer, today):
    loan = make_loan(start=today - dt.timedelta(days=5))
    with pytest.raises(LendingError, match=r"begin|start") as error:
        services.loan_return(
            loan=loan,
            actor=volunteer,
            returned_on=today - dt.timedelta(days=6),
            condition=DeviceCondition.GOOD,
        )
    assert error.value.field == "returned_on"
    loan.refresh_from_db()
    loan.device.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.returned_on is None
    assert loan.device.status == DeviceStatus.ON_LOAN and not loan.device.needs_wipe
    assert not Participation.objects.filter(source_id=loan.pk, source_event="return").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.filter(pk=loan.pk).update(returned_on=today - dt.timedelta(days=6))


def test_a_device_of_another_digibank_cannot_be_lent(make_loan, other_digibank, coordinator, today):
    loan = make_loan("requested")
    foreign = DeviceFactory(digibank=other_digibank)
    check = EligibilityCheck.objects.create(
        digibank=loan.digibank,
        visitor=loan.visitor,
        criterion="kansenpas",
        proof_seen="gezien",
        checked_on=today,
    )
    with pytest.raises(LendingError, match="digibank"):
        services.loan_approve(
            loan=loan, actor=coordinator, eligibility_check=check, term="12m", device=foreign
        )
    loan.refresh_from_db()
    foreign.refresh_from_db()
    assert loan.status == LoanStatus.REQUESTED and loan.device is None
    assert foreign.status == DeviceStatus.IN_STOCK


def test_a_visitor_or_location_of_another_digibank_is_refused(
    digibank, other_digibank, coordinator, lending_settings
):
    foreign_visitor = VisitorFactory(digibank=other_digibank)
    own = VisitorFactory(digibank=digibank)
    with pytest.raises(LendingError):
        services.loan_request(
            visitor=own,
            actor=coordinator,
            device_type="laptop",
            location=LocationFactory(digibank=other_digibank),
        )
    with pytest.raises(LendingError):
        services.loan_request(
            visitor=foreign_visitor,
            actor=coordinator,
            device_type="laptop",
            referrer_organisation=OrganisationFactory(digibank=digibank),
        )
    assert not Loan.objects.exists()


def test_status_changes_by_hand_are_refused_while_on_loan(make_loan, coordinator):
    loan = make_loan()
    with pytest.raises(LendingError):
        services.device_set_status(device=loan.device, actor=coordinator, status="retired")
    with pytest.raises(LendingError):
        services.device_set_status(device=loan.device, actor=coordinator, status="on_loan")


def test_a_new_digibank_gets_lending_settings_from_its_hook(db):
    from digibank.services import digibank_create

    created = digibank_create(slug="leuven", name="Digibank Leuven")
    assert created.lending_settings.default_term == "12m"
    assert "uitpas_kansentarief" in created.lending_settings.eligibility_criteria
    assert "{ontlener}" in created.lending_settings.agreement_text
