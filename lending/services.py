"""Every write of the lending service (convention 1 and 2).

Each function validates, runs in one transaction, writes the audit row in that transaction and
raises `LendingError` with a Dutch (translated) message. Device rows are locked with
`select_for_update` before their status changes; the database also refuses a device on two
open loans (constraint `loan_one_open_loan_per_device`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digibank.audit import audit_log, changed_fields, snapshot
from digibank.models import Digibank, Location, Membership, Organisation, Role
from lending.exceptions import LendingError
from lending.hooks import DEFAULT_AGREEMENT_TEXT, DEFAULT_CRITERIA
from lending.models import (
    OPEN_LOAN_STATUSES,
    TERM_MONTHS,
    CheckIn,
    DepositKind,
    Device,
    DeviceCondition,
    DeviceSource,
    DeviceStatus,
    DeviceType,
    Donation,
    EligibilityCheck,
    EligibilityCriterion,
    LendingSettings,
    Loan,
    LoanExtension,
    LoanStatus,
    LoanTerm,
    Reminder,
    ReminderChannel,
    ReminderKind,
    WaitingListEntry,
    WipeMethod,
    WipeRecord,
)
from registration.models import ActivityKind, FormOfService, Visitor
from registration.services import participation_record
from sessions_app.models import Enrolment, Session

logger = logging.getLogger(__name__)

# Criteria that rest on a document the digihelper looks at (never copies).
DOCUMENT_CRITERIA = {
    EligibilityCriterion.UITPAS_KANSENTARIEF,
    EligibilityCriterion.KANSENPAS,
    EligibilityCriterion.INCREASED_ALLOWANCE,
    EligibilityCriterion.LIVING_WAGE,
    EligibilityCriterion.COURSE_OR_TRAJECTORY,
}
# A Belgian national register number (rijksregisternummer) has no place in a note.
NATIONAL_NUMBER = re.compile(r"\d{2}\D?\d{2}\D?\d{2}\D?\d{3}\D?\d{2}")

DEVICE_FIELDS = [
    "type",
    "brand",
    "model_name",
    "serial_number",
    "asset_tag",
    "source",
    "donation",
    "refurbishing_partner",
    "condition",
    "accessibility_software",
    "location",
    "notes",
]
SETTINGS_FIELDS = [
    "default_term",
    "deposit_amount",
    "social_tariff_amount",
    "eligibility_criteria",
    "intro_course_required",
    "reminder_days",
    "agreement_text",
]


# -- Helpers -----------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date_for(start: dt.date, term: str) -> dt.date | None:
    months = TERM_MONTHS.get(term)
    return add_months(start, months) if months else None


def _moment(day: dt.date) -> dt.datetime:
    """A datetime for something that happened on `day`: now if today, else noon that day."""
    now = timezone.localtime()
    if day == now.date():
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _same_digibank(digibank: Digibank, *objs: Any) -> None:
    for obj in objs:
        if obj is not None and obj.digibank_id != digibank.pk:
            raise LendingError(_("This record belongs to another digibank."))


def _is_coordinator(actor: Any, digibank: Digibank) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=actor, digibank=digibank, role=Role.COORDINATOR, active=True
    ).exists()


def _lock_device(device: Device) -> Device:
    return Device.objects.select_for_update().get(pk=device.pk)


def _lock_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("digibank").get(pk=loan.pk)


def _require_status(loan: Loan, *statuses: str) -> None:
    if loan.status not in statuses:
        raise LendingError(
            _("This cannot be done for a loan with status '%(status)s'.")
            % {"status": loan.get_status_display()}
        )


def _check_amount(value: Decimal | None, field: str) -> Decimal:
    if value is None:
        raise LendingError(_("Fill in an amount."), field=field)
    if value < 0:
        raise LendingError(_("An amount cannot be below zero."), field=field)
    return value


# -- Settings ----------------------------------------------------------------------------------


def settings_for(digibank: Digibank) -> LendingSettings:
    """The digibank's lending settings (created with defaults if the hook never ran)."""
    found, _created = LendingSettings.objects.get_or_create(
        digibank=digibank,
        defaults={
            "eligibility_criteria": [str(c) for c in DEFAULT_CRITERIA],
            "agreement_text": DEFAULT_AGREEMENT_TEXT,
        },
    )
    return found


@transaction.atomic
def lending_settings_update(*, digibank: Digibank, actor: Any, **fields: Any) -> LendingSettings:
    current = LendingSettings.objects.select_for_update().get(pk=settings_for(digibank).pk)
    for name in ("deposit_amount", "social_tariff_amount"):
        _check_amount(fields.get(name), name)
    criteria = [str(c) for c in fields.get("eligibility_criteria") or []]
    if not criteria:
        raise LendingError(
            _("Choose at least one criterion, or 'No conditions'."), field="eligibility_criteria"
        )
    if any(c not in EligibilityCriterion.values for c in criteria):
        raise LendingError(_("Unknown criterion."), field="eligibility_criteria")
    fields["eligibility_criteria"] = criteria
    if fields.get("default_term") not in LoanTerm.values:
        raise LendingError(_("Choose a term."), field="default_term")
    if not str(fields.get("agreement_text", "")).strip():
        raise LendingError(_("The agreement needs its conditions."), field="agreement_text")
    before = snapshot(current, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        if name in fields:
            setattr(current, name, fields[name])
    current.save()
    audit_log(
        actor=actor,
        action="lending.settings.changed",
        obj=current,
        digibank=digibank,
        fields=changed_fields(current, before, SETTINGS_FIELDS),
    )
    return current


# -- Donations, devices and wipes --------------------------------------------------------------


@transaction.atomic
def donation_create(
    *,
    digibank: Digibank,
    actor: Any,
    donor_name: str,
    received_on: dt.date,
    device_count: int,
    donor_contact: str = "",
    notes: str = "",
) -> Donation:
    if not donor_name.strip():
        raise LendingError(_("Say which company donated the devices."), field="donor_name")
    if device_count is None or device_count < 1:
        raise LendingError(_("A donation has at least one device."), field="device_count")
    if received_on > timezone.localdate():
        raise LendingError(_("This date lies in the future."), field="received_on")
    donation = Donation.objects.create(
        digibank=digibank,
        donor_name=donor_name.strip(),
        donor_contact=donor_contact.strip(),
        received_on=received_on,
        device_count=device_count,
        notes=notes.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(actor=actor, action="lending.donation.created", obj=donation)
    return donation


def _validate_device_fields(digibank: Digibank, fields: dict, exclude_pk: int | None) -> None:
    fields["serial_number"] = str(fields.get("serial_number", "")).strip()
    fields["asset_tag"] = str(fields.get("asset_tag", "")).strip().upper()
    fields["brand"] = str(fields.get("brand", "")).strip()
    if fields.get("type") not in DeviceType.values:
        raise LendingError(_("Choose the type of device."), field="type")
    if not fields["brand"]:
        raise LendingError(_("Fill in the brand."), field="brand")
    if not fields["serial_number"]:
        raise LendingError(_("Fill in the serial number."), field="serial_number")
    if not fields["asset_tag"]:
        raise LendingError(_("Fill in the asset tag."), field="asset_tag")
    _same_digibank(
        digibank, fields.get("donation"), fields.get("refurbishing_partner"), fields.get("location")
    )
    if fields.get("source") == DeviceSource.DONATED and fields.get("donation") is None:
        raise LendingError(_("Choose the donation this device came with."), field="donation")
    if fields.get("source") != DeviceSource.DONATED:
        fields["donation"] = None
    others = Device.objects.filter(digibank=digibank)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    taken = others.filter(serial_number__iexact=fields["serial_number"]).first()
    if taken is not None:
        raise LendingError(
            _("A device with serial number %(serial)s exists already (%(tag)s).")
            % {"serial": fields["serial_number"], "tag": taken.asset_tag},
            field="serial_number",
        )
    if others.filter(asset_tag=fields["asset_tag"]).exists():
        raise LendingError(
            _("The asset tag %(tag)s is already in use.") % {"tag": fields["asset_tag"]},
            field="asset_tag",
        )


def device_create(*, digibank: Digibank, actor: Any, **fields: Any) -> Device:
    fields = {name: fields.get(name) for name in DEVICE_FIELDS}
    _validate_device_fields(digibank, fields, None)
    for name in ("model_name", "accessibility_software", "notes"):
        fields[name] = (fields[name] or "").strip()
    fields["condition"] = fields["condition"] or DeviceCondition.GOOD
    try:
        with transaction.atomic():
            device = Device.objects.create(
                digibank=digibank,
                # A donated device carries the donor's data until it has been wiped.
                needs_wipe=fields["source"] == DeviceSource.DONATED,
                **fields,
            )
            audit_log(actor=actor, action="lending.device.created", obj=device)
    except IntegrityError:
        raise LendingError(
            _("A device with this serial number or asset tag exists already."),
            field="serial_number",
        ) from None
    return device


def device_update(*, device: Device, actor: Any, **fields: Any) -> Device:
    fields = {name: fields.get(name) for name in DEVICE_FIELDS}
    _validate_device_fields(device.digibank, fields, device.pk)
    for name in ("model_name", "accessibility_software", "notes"):
        fields[name] = (fields[name] or "").strip()
    try:
        with transaction.atomic():
            device = _lock_device(device)
            before = snapshot(device, DEVICE_FIELDS)
            for name, value in fields.items():
                setattr(device, name, value)
            device.save()
            audit_log(
                actor=actor,
                action="lending.device.changed",
                obj=device,
                fields=changed_fields(device, before, DEVICE_FIELDS),
            )
    except IntegrityError:
        raise LendingError(
            _("A device with this serial number or asset tag exists already."),
            field="serial_number",
        ) from None
    return device


# Statuses a coordinator sets by hand; the others follow from loans.
MANUAL_STATUSES = (DeviceStatus.IN_STOCK, DeviceStatus.IN_REPAIR, DeviceStatus.RETIRED)


@transaction.atomic
def device_set_status(*, device: Device, actor: Any, status: str) -> Device:
    if status not in MANUAL_STATUSES:
        raise LendingError(_("This status follows from the loans."), field="status")
    device = _lock_device(device)
    if Loan.objects.filter(device=device, status__in=OPEN_LOAN_STATUSES).exists():
        raise LendingError(_("This device is reserved or on loan; end that loan first."))
    device.status = status
    device.save(update_fields=["status"])
    audit_log(actor=actor, action="lending.device.status_changed", obj=device, fields=["status"])
    return device


@transaction.atomic
def wipe_record(
    *,
    device: Device,
    actor: Any,
    wiped_on: dt.date,
    method: str,
    performed_by: str,
    tool: str = "",
) -> WipeRecord:
    """Record a data wipe; it clears the device for lending again."""
    if method not in WipeMethod.values:
        raise LendingError(_("Choose how the data were wiped."), field="method")
    if not performed_by.strip():
        raise LendingError(_("Say who wiped the device."), field="performed_by")
    if wiped_on > timezone.localdate():
        raise LendingError(_("This date lies in the future."), field="wiped_on")
    device = _lock_device(device)
    if device.status in (DeviceStatus.ON_LOAN, DeviceStatus.RESERVED):
        raise LendingError(_("A device that is reserved or on loan cannot be wiped now."))
    last_return = (
        Loan.objects.filter(device=device, returned_on__isnull=False)
        .order_by("-returned_on")
        .values_list("returned_on", flat=True)
        .first()
    )
    if last_return is not None and wiped_on < last_return:
        raise LendingError(
            _("The wipe must come after the last return (%(day)s).")
            % {"day": last_return.strftime("%d/%m/%Y")},
            field="wiped_on",
        )
    record = WipeRecord.objects.create(
        device=device,
        wiped_on=wiped_on,
        method=method,
        performed_by=performed_by.strip()[:150],
        tool=tool.strip()[:100],
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    device.needs_wipe = False
    device.save(update_fields=["needs_wipe"])
    audit_log(actor=actor, action="lending.device.wiped", obj=device, fields=["needs_wipe"])
    return record


# -- Eligibility -------------------------------------------------------------------------------


@transaction.atomic
def eligibility_check_record(
    *,
    visitor: Visitor,
    actor: Any,
    criterion: str,
    proof_seen: str = "",
    valid_until: dt.date | None = None,
    motivation: str = "",
    referrer_organisation: Organisation | None = None,
    override_reason: str = "",
    checked_on: dt.date | None = None,
) -> EligibilityCheck:
    """Note which proof was seen (never a copy), or a coordinator's override with a reason."""
    digibank = visitor.digibank
    _same_digibank(digibank, referrer_organisation)
    checked_on = checked_on or timezone.localdate()
    proof_seen, motivation, override_reason = (
        proof_seen.strip(),
        motivation.strip(),
        override_reason.strip(),
    )
    if criterion not in EligibilityCriterion.values:
        raise LendingError(_("Choose a criterion."), field="criterion")
    if NATIONAL_NUMBER.search(proof_seen) or NATIONAL_NUMBER.search(motivation):
        raise LendingError(
            _("Do not write down a national register number or card number; only what you saw."),
            field="proof_seen",
        )
    if valid_until is not None and valid_until < checked_on:
        raise LendingError(_("'Valid until' lies before the check."), field="valid_until")
    enabled = settings_for(digibank).eligibility_criteria
    is_override = bool(override_reason)
    if is_override:
        if not _is_coordinator(actor, digibank):
            raise LendingError(_("Only a coordinator can make an exception."))
    else:
        if criterion not in enabled:
            raise LendingError(
                _(
                    "This digibank does not lend on this criterion. A coordinator can make an "
                    "exception with a reason."
                ),
                field="criterion",
            )
        if criterion in DOCUMENT_CRITERIA:
            if not proof_seen:
                raise LendingError(
                    _("Write down which proof you saw, for example 'UiTPAS kansentarief seen'."),
                    field="proof_seen",
                )
            if valid_until is None:
                raise LendingError(_("Until when is the proof valid?"), field="valid_until")
        if criterion == EligibilityCriterion.SOCIAL_REFERRAL and not motivation:
            raise LendingError(
                _("A referral needs the social professional's motivation."), field="motivation"
            )
    check = EligibilityCheck.objects.create(
        digibank=digibank,
        visitor=visitor,
        criterion=criterion,
        proof_seen=proof_seen[:150],
        motivation=motivation,
        referrer_organisation=referrer_organisation,
        checked_by=actor if getattr(actor, "is_authenticated", False) else None,
        checked_on=checked_on,
        valid_until=valid_until,
        is_override=is_override,
        override_reason=override_reason,
    )
    audit_log(
        actor=actor,
        action="lending.eligibility.overridden" if is_override else "lending.eligibility.checked",
        obj=check,
        digibank=digibank,
    )
    return check


# -- Loans: request, approval, pick-up ---------------------------------------------------------


@transaction.atomic
def loan_request(
    *,
    visitor: Visitor,
    actor: Any,
    device_type: str,
    location: Location | None = None,
    request_note: str = "",
    referrer_organisation: Organisation | None = None,
) -> Loan:
    digibank = visitor.digibank
    _same_digibank(digibank, location, referrer_organisation)
    if visitor.merged_into_id or visitor.erased_at or visitor.anonymised_at:
        raise LendingError(_("This visitor record is no longer in use."))
    if device_type not in DeviceType.values:
        raise LendingError(_("Choose the type of device."), field="device_type")
    Visitor.objects.select_for_update().filter(pk=visitor.pk).first()
    if Loan.objects.filter(
        visitor=visitor,
        device_type=device_type,
        status__in=[LoanStatus.REQUESTED, *OPEN_LOAN_STATUSES],
    ).exists():
        raise LendingError(
            _("This visitor already has an open request or loan for this type of device."),
            field="device_type",
        )
    lending = settings_for(digibank)
    loan = Loan.objects.create(
        digibank=digibank,
        visitor=visitor,
        device_type=device_type,
        location=location,
        request_note=request_note.strip(),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        requested_at=timezone.now(),
        referrer_organisation=referrer_organisation,
        term=lending.default_term,
        deposit_kind=DepositKind.STANDARD,
        deposit_amount=lending.deposit_amount,
        intro_course_required=lending.intro_course_required,
    )
    audit_log(actor=actor, action="lending.loan.requested", obj=loan)
    return loan


def _deposit_for(lending: LendingSettings, kind: str, waived_reason: str) -> Decimal:
    if kind == DepositKind.STANDARD:
        return lending.deposit_amount
    if kind == DepositKind.SOCIAL_TARIFF:
        return lending.social_tariff_amount
    if kind == DepositKind.WAIVED:
        if not waived_reason.strip():
            raise LendingError(_("Say why the deposit is waived."), field="deposit_waived_reason")
        return Decimal("0")
    raise LendingError(_("Choose a deposit."), field="deposit_kind")


@transaction.atomic
def loan_approve(
    *,
    loan: Loan,
    actor: Any,
    eligibility_check: EligibilityCheck | None,
    term: str,
    deposit_kind: str = DepositKind.STANDARD,
    deposit_waived_reason: str = "",
    device: Device | None = None,
    pickup_at: dt.datetime | None = None,
    location: Location | None = None,
    intro_session: Session | None = None,
    membership: Membership | None = None,
) -> Loan:
    """Approve a request. With a device (or when one of the type is free) the device is reserved
    and the pick-up booked (with the seat in the intro session, if one is given); otherwise the
    request goes on the waiting list and the seat is reserved when the pick-up is booked."""
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.REQUESTED)
    lending = settings_for(loan.digibank)
    today = timezone.localdate()
    if term not in LoanTerm.values:
        raise LendingError(_("Choose a term."), field="term")
    if eligibility_check is None:
        if EligibilityCriterion.NONE not in lending.eligibility_criteria:
            raise LendingError(
                _("Record which proof of eligibility you saw first."), field="eligibility_check"
            )
    else:
        if eligibility_check.visitor_id != loan.visitor_id:
            raise LendingError(
                _("This eligibility check is of another visitor."), field="eligibility_check"
            )
        if not eligibility_check.is_valid_on(today):
            raise LendingError(
                _("The proof of eligibility has expired; check it again."),
                field="eligibility_check",
            )
    loan.deposit_amount = _deposit_for(lending, deposit_kind, deposit_waived_reason)
    loan.deposit_kind = deposit_kind
    loan.deposit_waived_reason = (
        deposit_waived_reason.strip() if deposit_kind == DepositKind.WAIVED else ""
    )
    loan.term = term
    loan.eligibility_check = eligibility_check
    loan.status = LoanStatus.APPROVED
    loan.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    loan.approved_at = timezone.now()
    loan.save()
    audit_log(
        actor=actor,
        action="lending.loan.approved",
        obj=loan,
        fields=["status", "term", "deposit_kind", "deposit_amount", "eligibility_check"],
    )
    if device is None:
        device = (
            Device.objects.filter(
                digibank=loan.digibank,
                type=loan.device_type,
                status=DeviceStatus.IN_STOCK,
                needs_wipe=False,
            )
            .order_by("asset_tag")
            .first()
        )
        if device is None or _waiting_ahead(loan):
            _waiting_list_add(loan)
            return loan
    return loan_book_pickup(
        loan=loan,
        actor=actor,
        device=device,
        pickup_at=pickup_at,
        location=location,
        intro_session=intro_session,
        membership=membership,
    )


def _waiting_ahead(loan: Loan) -> int:
    """How many open waiting-list entries for this type came before this loan's own."""
    entries = WaitingListEntry.objects.filter(
        digibank=loan.digibank,
        device_type=loan.device_type,
        served_at__isnull=True,
        removed_at__isnull=True,
    ).exclude(loan=loan)
    own = WaitingListEntry.objects.filter(loan=loan, served_at__isnull=True).first()
    if own is not None:
        entries = entries.filter(added_at__lt=own.added_at)
    return entries.count()


def _waiting_list_add(loan: Loan) -> WaitingListEntry:
    entry, _created = WaitingListEntry.objects.get_or_create(
        loan=loan,
        defaults={
            "digibank": loan.digibank,
            "device_type": loan.device_type,
            "added_at": timezone.now(),
        },
    )
    audit_log(actor=None, action="lending.loan.waiting", obj=loan)
    return entry


def _reserve_intro_seat(
    *, loan: Loan, session: Session, actor: Any, membership: Membership | None
) -> Enrolment:
    """A seat (never a waiting-list place) for the borrower in the intro session."""
    from sessions_app.exceptions import SessionsError
    from sessions_app.models import EnrolmentStatus
    from sessions_app.services import enrolment_create

    if session.digibank_id != loan.digibank_id:
        raise LendingError(_("This record belongs to another digibank."), field="intro_session")
    activity = session.activity
    existing = Enrolment.objects.filter(
        activity=activity,
        session=None if activity.is_series else session,
        visitor=loan.visitor,
        status=EnrolmentStatus.ENROLLED,
    ).first()
    if existing is not None:
        return existing
    try:
        enrolment = enrolment_create(
            activity=activity,
            session=None if activity.is_series else session,
            visitor=loan.visitor,
            actor=actor,
            membership=membership,
        )
    except SessionsError as error:
        raise LendingError(error.message, field="intro_session") from None
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise LendingError(
            _("The intro session of %(date)s is full. Choose another date.")
            % {"date": date_format(timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT")},
            field="intro_session",
        )
    return enrolment


@transaction.atomic
def loan_book_pickup(
    *,
    loan: Loan,
    actor: Any,
    device: Device,
    pickup_at: dt.datetime | None = None,
    location: Location | None = None,
    intro_session: Session | None = None,
    membership: Membership | None = None,
) -> Loan:
    """Reserve `device` for an approved loan and plan the pick-up, in one transaction.

    With an `intro_session` (the starter course many digibanks require), the borrower's seat
    in it is reserved in the same transaction: a full session refuses the whole booking.
    """
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.APPROVED)
    _same_digibank(loan.digibank, device, location)
    if loan.device_id and loan.device_id != device.pk:
        raise LendingError(_("This loan has a device already; cancel and request again."))
    device = _lock_device(device)
    if device.type != loan.device_type:
        raise LendingError(
            _("This loan is for a %(wanted)s, not a %(given)s.")
            % {"wanted": loan.get_device_type_display(), "given": device.get_type_display()},
            field="device",
        )
    if device.needs_wipe:
        raise LendingError(
            _("This device must be wiped first (a new wipe record is needed)."), field="device"
        )
    if loan.device_id != device.pk and device.status != DeviceStatus.IN_STOCK:
        raise LendingError(
            _("Device %(tag)s is not free (%(status)s).")
            % {"tag": device.asset_tag, "status": device.get_status_display()},
            field="device",
        )
    ahead = _waiting_ahead(loan)
    if ahead:
        raise LendingError(
            _("%(n)s people are waiting longer for this type of device; serve them first.")
            % {"n": ahead},
            field="device",
        )
    if pickup_at is not None and pickup_at < timezone.now() - dt.timedelta(days=1):
        raise LendingError(_("The pick-up moment lies in the past."), field="pickup_at")
    loan.device = device
    loan.pickup_planned_at = pickup_at
    if location is not None:
        loan.location = location
    try:
        with transaction.atomic():
            loan.save(update_fields=["device", "pickup_planned_at", "location"])
    except IntegrityError:
        raise LendingError(_("This device is already on another loan."), field="device") from None
    device.status = DeviceStatus.RESERVED
    device.save(update_fields=["status"])
    WaitingListEntry.objects.filter(loan=loan, served_at__isnull=True).update(
        served_at=timezone.now()
    )
    if intro_session is not None:
        loan.intro_enrolment = _reserve_intro_seat(
            loan=loan, session=intro_session, actor=actor, membership=membership
        )
        loan.intro_course_required = True
        loan.save(update_fields=["intro_enrolment", "intro_course_required"])
    audit_log(
        actor=actor,
        action="lending.loan.pickup_booked",
        obj=loan,
        fields=["device", "pickup_planned_at", "location"],
    )
    return loan


@transaction.atomic
def loan_pickup(
    *,
    loan: Loan,
    actor: Any,
    picked_up_on: dt.date,
    agreement_signed: bool,
    deposit_paid: bool = False,
    location: Location | None = None,
) -> Loan:
    """The borrower takes the device home: the loan starts and the ledger gets a participation."""
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.APPROVED)
    _same_digibank(loan.digibank, location)
    if loan.device_id is None:
        raise LendingError(_("Reserve a device for this loan first."))
    device = _lock_device(loan.device)
    if device.needs_wipe:
        raise LendingError(_("This device must be wiped first (a new wipe record is needed)."))
    if device.status != DeviceStatus.RESERVED:
        raise LendingError(
            _("Device %(tag)s is not free (%(status)s).")
            % {"tag": device.asset_tag, "status": device.get_status_display()}
        )
    today = timezone.localdate()
    if picked_up_on > today:
        raise LendingError(_("This date lies in the future."), field="picked_up_on")
    if not agreement_signed:
        raise LendingError(
            _("The borrower must sign the loan agreement first."), field="agreement_signed"
        )
    now = timezone.now()
    if loan.deposit_amount > 0 and loan.deposit_paid_at is None:
        if not deposit_paid:
            raise LendingError(
                _("The deposit of EUR %(amount)s has not been paid yet.")
                % {"amount": loan.deposit_amount},
                field="deposit_paid",
            )
        loan.deposit_paid_at = now
    if location is not None:
        loan.location = location
    if loan.location is None:
        raise LendingError(_("Choose where the device is picked up."), field="location")
    loan.status = LoanStatus.ACTIVE
    loan.start_date = picked_up_on
    loan.due_date = None if loan.is_permanent else due_date_for(picked_up_on, loan.term)
    loan.agreement_signed_at = now
    loan.save()
    device.status = DeviceStatus.ON_LOAN
    device.save(update_fields=["status"])
    months = TERM_MONTHS.get(loan.term)
    if months and months >= 6:
        # One check-in halfway, as most digibanks do (terugkommoment).
        CheckIn.objects.create(loan=loan, planned_on=add_months(picked_up_on, months // 2))
    participation_record(
        digibank=loan.digibank,
        form_of_service=FormOfService.LENDING,
        occurred_at=_moment(picked_up_on),
        visitor=loan.visitor,
        location=loan.location,
        actor=actor,
        source=loan,
        source_event="pickup",
        activity_kind=ActivityKind.LOAN,
        activity_name=_("Device picked up: %(type)s") % {"type": device.get_type_display()},
        referrer_organisation=loan.referrer_organisation,
    )
    audit_log(
        actor=actor,
        action="lending.loan.picked_up",
        obj=loan,
        fields=["status", "start_date", "due_date", "deposit_paid_at", "agreement_signed_at"],
    )
    return loan


@transaction.atomic
def loan_cancel(*, loan: Loan, actor: Any, reason: str) -> Loan:
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.REQUESTED, LoanStatus.APPROVED)
    if not reason.strip():
        raise LendingError(_("Say why the request is cancelled."), field="reason")
    if loan.device_id:
        device = _lock_device(loan.device)
        if device.status == DeviceStatus.RESERVED:
            device.status = DeviceStatus.IN_STOCK
            device.save(update_fields=["status"])
    loan.status = LoanStatus.CANCELLED
    loan.cancelled_at = timezone.now()
    loan.cancel_reason = reason.strip()
    loan.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    WaitingListEntry.objects.filter(loan=loan, served_at__isnull=True).update(
        removed_at=timezone.now()
    )
    audit_log(actor=actor, action="lending.loan.cancelled", obj=loan, fields=["status"])
    return loan


# -- Loans: while on loan ----------------------------------------------------------------------


@transaction.atomic
def loan_record_deposit(*, loan: Loan, actor: Any) -> Loan:
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.APPROVED, LoanStatus.ACTIVE)
    if loan.deposit_amount <= 0:
        raise LendingError(_("No deposit is due for this loan."))
    if loan.deposit_paid_at is not None:
        raise LendingError(_("The deposit has been paid already."))
    loan.deposit_paid_at = timezone.now()
    loan.save(update_fields=["deposit_paid_at"])
    audit_log(actor=actor, action="lending.loan.deposit_paid", obj=loan, fields=["deposit_paid_at"])
    return loan


@transaction.atomic
def loan_refund_deposit(*, loan: Loan, actor: Any) -> Loan:
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.RETURNED)
    if loan.deposit_paid_at is None:
        raise LendingError(_("No deposit was paid for this loan."))
    if loan.deposit_refunded_at is not None:
        raise LendingError(_("The deposit has been refunded already."))
    loan.deposit_refunded_at = timezone.now()
    loan.save(update_fields=["deposit_refunded_at"])
    audit_log(
        actor=actor,
        action="lending.loan.deposit_refunded",
        obj=loan,
        fields=["deposit_refunded_at"],
    )
    return loan


@transaction.atomic
def loan_intro_course_done(*, loan: Loan, actor: Any) -> Loan:
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.APPROVED, LoanStatus.ACTIVE)
    loan.intro_course_done = True
    loan.save(update_fields=["intro_course_done"])
    audit_log(
        actor=actor, action="lending.loan.intro_course_done", obj=loan, fields=["intro_course_done"]
    )
    return loan


@transaction.atomic
def loan_extend(*, loan: Loan, actor: Any, new_due_date: dt.date, reason: str = "") -> Loan:
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.ACTIVE)
    if loan.is_permanent or loan.due_date is None:
        raise LendingError(_("This loan has no end date to extend."))
    if new_due_date is None or new_due_date <= loan.due_date:
        raise LendingError(
            _("The new date must come after %(day)s.")
            % {"day": loan.due_date.strftime("%d/%m/%Y")},
            field="new_due_date",
        )
    LoanExtension.objects.create(
        loan=loan,
        previous_due_date=loan.due_date,
        new_due_date=new_due_date,
        extended_on=timezone.localdate(),
        reason=reason.strip(),
        extended_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    loan.due_date = new_due_date
    if new_due_date >= timezone.localdate():
        loan.overdue_since = None
    loan.save(update_fields=["due_date", "overdue_since"])
    audit_log(actor=actor, action="lending.loan.extended", obj=loan, fields=["due_date"])
    return loan


@transaction.atomic
def loan_make_permanent(*, loan: Loan, actor: Any, reason: str) -> Loan:
    """Give the device for good (definitieve toewijzing): no end date, no reminders."""
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.APPROVED, LoanStatus.ACTIVE)
    if not _is_coordinator(actor, loan.digibank):
        raise LendingError(_("Only a coordinator can assign a device permanently."))
    if not reason.strip():
        raise LendingError(_("Say why the device is assigned permanently."), field="reason")
    loan.is_permanent = True
    loan.permanent_reason = reason.strip()
    loan.term = LoanTerm.INDEFINITE
    loan.due_date = None
    loan.overdue_since = None
    loan.save(
        update_fields=["is_permanent", "permanent_reason", "term", "due_date", "overdue_since"]
    )
    CheckIn.objects.filter(loan=loan, done_on__isnull=True).delete()
    audit_log(
        actor=actor,
        action="lending.loan.made_permanent",
        obj=loan,
        fields=["is_permanent", "term", "due_date"],
    )
    return loan


@transaction.atomic
def check_in_plan(*, loan: Loan, actor: Any, planned_on: dt.date) -> CheckIn:
    _require_status(loan, LoanStatus.ACTIVE)
    if planned_on < timezone.localdate():
        raise LendingError(_("This date lies in the past."), field="planned_on")
    check_in = CheckIn.objects.create(loan=loan, planned_on=planned_on)
    audit_log(actor=actor, action="lending.loan.check_in_planned", obj=loan)
    return check_in


@transaction.atomic
def check_in_record(*, check_in: CheckIn, actor: Any, done_on: dt.date, notes: str = "") -> CheckIn:
    check_in = CheckIn.objects.select_for_update().select_related("loan").get(pk=check_in.pk)
    if check_in.done_on is not None:
        raise LendingError(_("This check-in has been recorded already."))
    if done_on > timezone.localdate():
        raise LendingError(_("This date lies in the future."), field="done_on")
    if check_in.loan.start_date and done_on < check_in.loan.start_date:
        raise LendingError(_("This date lies before the start of the loan."), field="done_on")
    check_in.done_on = done_on
    check_in.notes = notes.strip()
    check_in.done_by = actor if getattr(actor, "is_authenticated", False) else None
    check_in.save()
    audit_log(actor=actor, action="lending.loan.checked_in", obj=check_in.loan)
    return check_in


# -- Loans: the end ----------------------------------------------------------------------------


@transaction.atomic
def loan_return(
    *,
    loan: Loan,
    actor: Any,
    returned_on: dt.date,
    condition: str,
    notes: str = "",
) -> Loan:
    """The device comes back: it needs a new wipe before it can go out again."""
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.ACTIVE)
    if condition not in DeviceCondition.values:
        raise LendingError(_("Choose the condition of the device."), field="condition")
    if returned_on is None:
        raise LendingError(_("Fill in the return date."), field="returned_on")
    if returned_on < loan.start_date:
        raise LendingError(
            _("The return date cannot lie before the start of the loan (%(day)s).")
            % {"day": loan.start_date.strftime("%d/%m/%Y")},
            field="returned_on",
        )
    if returned_on > timezone.localdate():
        raise LendingError(_("This date lies in the future."), field="returned_on")
    device = _lock_device(loan.device)
    loan.status = LoanStatus.RETURNED
    loan.returned_on = returned_on
    loan.return_condition = condition
    loan.return_notes = notes.strip()
    loan.save(update_fields=["status", "returned_on", "return_condition", "return_notes"])
    device.condition = condition
    device.needs_wipe = True
    device.status = (
        DeviceStatus.IN_REPAIR if condition == DeviceCondition.BROKEN else DeviceStatus.IN_STOCK
    )
    device.save(update_fields=["condition", "needs_wipe", "status"])
    CheckIn.objects.filter(loan=loan, done_on__isnull=True).delete()
    participation_record(
        digibank=loan.digibank,
        form_of_service=FormOfService.LENDING,
        occurred_at=_moment(returned_on),
        visitor=loan.visitor,
        location=loan.location,
        actor=actor,
        source=loan,
        source_event="return",
        activity_kind=ActivityKind.LOAN,
        activity_name=_("Device returned: %(type)s") % {"type": device.get_type_display()},
        referrer_organisation=loan.referrer_organisation,
    )
    audit_log(
        actor=actor,
        action="lending.loan.returned",
        obj=loan,
        fields=["status", "returned_on", "return_condition", "return_notes"],
    )
    return loan


@transaction.atomic
def loan_report_lost(*, loan: Loan, actor: Any, lost_on: dt.date, notes: str) -> Loan:
    loan = _lock_loan(loan)
    _require_status(loan, LoanStatus.ACTIVE)
    if not notes.strip():
        raise LendingError(_("Say briefly what happened."), field="notes")
    if lost_on < loan.start_date:
        raise LendingError(_("This date lies before the start of the loan."), field="lost_on")
    if lost_on > timezone.localdate():
        raise LendingError(_("This date lies in the future."), field="lost_on")
    device = _lock_device(loan.device)
    loan.status = LoanStatus.LOST
    loan.lost_on = lost_on
    loan.lost_notes = notes.strip()
    loan.save(update_fields=["status", "lost_on", "lost_notes"])
    device.status = DeviceStatus.LOST
    device.save(update_fields=["status"])
    CheckIn.objects.filter(loan=loan, done_on__isnull=True).delete()
    audit_log(actor=actor, action="lending.loan.lost", obj=loan, fields=["status", "lost_on"])
    return loan


# -- Daily run: overdue and reminders ----------------------------------------------------------


def lending_daily_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Mark overdue loans and create each due reminder once (e-mail, or the call list).

    Idempotent: `Reminder` is unique per (loan, kind, date), so a second run sends nothing."""
    today = today or timezone.localdate()
    unsent = list(
        Reminder.objects.filter(
            channel=ReminderChannel.EMAIL, handled_at__isnull=True, due_date__gte=today
        ).values_list("pk", flat=True)
    )
    retried = sum(1 for pk in unsent if _send_reminder_email(pk))
    marked = Loan.objects.filter(
        status=LoanStatus.ACTIVE,
        is_permanent=False,
        due_date__lt=today,
        overdue_since__isnull=True,
    ).select_for_update()
    with transaction.atomic():
        overdue_ids = list(marked.values_list("pk", flat=True))
        for loan in Loan.objects.filter(pk__in=overdue_ids):
            loan.overdue_since = loan.due_date + dt.timedelta(days=1)
            loan.save(update_fields=["overdue_since"])
            audit_log(actor=None, action="lending.loan.overdue", obj=loan, fields=["overdue_since"])
    counts = {
        "overdue_marked": len(overdue_ids),
        "emails": 0,
        "call_list": 0,
        "emails_retried": retried,
    }
    for lending in LendingSettings.objects.select_related("digibank"):
        horizon = today + dt.timedelta(days=lending.reminder_days)
        active = Loan.objects.filter(
            digibank=lending.digibank, status=LoanStatus.ACTIVE, is_permanent=False
        ).select_related("visitor", "device", "location", "digibank")
        due: list[tuple[Loan, str, dt.date]] = []
        for loan in active.filter(due_date__gte=today, due_date__lte=horizon):
            due.append((loan, ReminderKind.RETURN, loan.due_date))
        for loan in active.filter(due_date__lt=today):
            due.append((loan, ReminderKind.OVERDUE, loan.due_date))
        for check_in in CheckIn.objects.filter(
            loan__in=active, done_on__isnull=True, planned_on__gte=today, planned_on__lte=horizon
        ).select_related("loan__visitor", "loan__device", "loan__location", "loan__digibank"):
            due.append((check_in.loan, ReminderKind.CHECK_IN, check_in.planned_on))
        for loan, kind, day in due:
            channel = _reminder_create(loan=loan, kind=kind, due_date=day)
            if channel == ReminderChannel.EMAIL:
                counts["emails"] += 1
            elif channel == ReminderChannel.PRINT:
                counts["call_list"] += 1
    return counts


def _reminder_create(*, loan: Loan, kind: str, due_date: dt.date) -> str | None:
    """Create the reminder once; e-mail it after commit. None if it existed already."""
    channel = ReminderChannel.EMAIL if loan.visitor.email else ReminderChannel.PRINT
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                loan=loan, kind=kind, due_date=due_date, channel=channel
            )
            if channel == ReminderChannel.EMAIL:
                transaction.on_commit(lambda: _send_reminder_email(reminder.pk))
    except IntegrityError:
        return None
    return channel


def _send_reminder_email(reminder_id: int) -> bool:
    """Send one reminder e-mail. It is claimed first (so two runs never both send it) and
    released again when sending fails, so the next daily run tries again."""
    if not Reminder.objects.filter(pk=reminder_id, handled_at__isnull=True).update(
        handled_at=timezone.now()
    ):
        return False
    try:
        reminder = Reminder.objects.select_related(
            "loan__visitor", "loan__device", "loan__location", "loan__digibank"
        ).get(pk=reminder_id)
        loan = reminder.loan
        with translation.override("nl-be"):
            context = {"reminder": reminder, "loan": loan, "visitor": loan.visitor}
            subject = render_to_string("lending/email/reminder_subject.txt", context).strip()
            body = render_to_string("lending/email/reminder_body.txt", context)
        send_mail(subject, body, django_settings.DEFAULT_FROM_EMAIL, [loan.visitor.email])
    except Exception:
        logger.exception("Lending reminder %s could not be sent; retried tomorrow.", reminder_id)
        Reminder.objects.filter(pk=reminder_id).update(handled_at=None)
        return False
    return True


@transaction.atomic
def reminder_mark_handled(*, reminder: Reminder, actor: Any) -> Reminder:
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.handled_at is not None:
        raise LendingError(_("This reminder has been handled already."))
    reminder.handled_at = timezone.now()
    reminder.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    reminder.save(update_fields=["handled_at", "handled_by"])
    audit_log(actor=actor, action="lending.reminder.handled", obj=reminder.loan)
    return reminder
