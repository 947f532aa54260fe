"""The lending service (uitleendienst): devices, donations, wipes, eligibility, loans.

A loan goes requested -> approved (eligibility checked, device reserved, pick-up planned)
-> active (picked up) -> returned, lost or cancelled. The database refuses a device on two
open loans at once; services also lock the device row (`select_for_update`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digibank.models import Digibank, Location, Organisation
from registration.models import Visitor


class DeviceType(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    TABLET = "tablet", _("Tablet")
    SMARTPHONE = "smartphone", _("Smartphone")
    CARD_READER = "card_reader", _("Card reader")
    ASSISTIVE = "assistive", _("Assistive device (adapted keyboard, screen reader ...)")
    OTHER = "other", _("Other")


class DeviceSource(models.TextChoices):
    PURCHASED_NEW = "purchased_new", _("Purchased new")
    PURCHASED_REFURBISHED = "purchased_refurbished", _("Purchased refurbished")
    DONATED = "donated", _("Donated by a company")


class DeviceCondition(models.TextChoices):
    NEW = "new", _("New")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair (signs of use)")
    POOR = "poor", _("Poor")
    BROKEN = "broken", _("Broken")


class DeviceStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    RESERVED = "reserved", _("Reserved")
    ON_LOAN = "on_loan", _("On loan")
    IN_REPAIR = "in_repair", _("In repair")
    RETIRED = "retired", _("Retired")
    LOST = "lost", _("Lost or stolen")


class LoanTerm(models.TextChoices):
    MONTHS_3 = "3m", _("3 months")
    MONTHS_6 = "6m", _("6 months")
    YEAR_1 = "12m", _("1 year")
    YEARS_2 = "24m", _("2 years")
    INDEFINITE = "indefinite", _("Indefinite")


TERM_MONTHS = {"3m": 3, "6m": 6, "12m": 12, "24m": 24, "indefinite": None}


class EligibilityCriterion(models.TextChoices):
    UITPAS_KANSENTARIEF = "uitpas_kansentarief", _("UiTPAS with opportunity tariff (kansentarief)")
    KANSENPAS = "kansenpas", _("Kansenpas")
    INCREASED_ALLOWANCE = "increased_allowance", _("Increased allowance (verhoogde tegemoetkoming)")
    LIVING_WAGE = "living_wage", _("Living wage (leefloon)")
    COURSE_OR_TRAJECTORY = "course_or_trajectory", _("Course or trajectory at VDAB, Ligo or CVO")
    SOCIAL_REFERRAL = "social_referral", _("Referred by a social professional, with motivation")
    NONE = "none", _("No conditions")


class DepositKind(models.TextChoices):
    STANDARD = "standard", _("Standard deposit")
    SOCIAL_TARIFF = "social_tariff", _("Social tariff")
    WAIVED = "waived", _("Waived")


class LoanStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("On loan")
    RETURNED = "returned", _("Returned")
    LOST = "lost", _("Lost or stolen")
    CANCELLED = "cancelled", _("Cancelled")


# A device is held by a loan in these states (reserved for it, or lent out).
OPEN_LOAN_STATUSES = (LoanStatus.APPROVED, LoanStatus.ACTIVE)


class WipeMethod(models.TextChoices):
    OVERWRITE = "overwrite", _("Disk overwritten with erasure software")
    CRYPTO_ERASE = "crypto_erase", _("Cryptographic erase (encryption key destroyed)")
    FACTORY_RESET = "factory_reset", _("Factory reset (tablet or smartphone)")
    DISK_REPLACED = "disk_replaced", _("Disk removed and destroyed, new disk")


class ReminderKind(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in moment")
    RETURN = "return", _("Return date")
    OVERDUE = "overdue", _("Overdue")


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PRINT = "print", _("Call or letter")


class LendingSettings(models.Model):
    """How one digibank runs its lending service (created with the digibank)."""

    digibank = models.OneToOneField(
        Digibank, on_delete=models.CASCADE, related_name="lending_settings"
    )
    default_term = models.CharField(
        _("default term"), max_length=12, choices=LoanTerm.choices, default=LoanTerm.YEAR_1
    )
    deposit_amount = models.DecimalField(
        _("deposit (EUR)"), max_digits=7, decimal_places=2, default=Decimal("50.00")
    )
    social_tariff_amount = models.DecimalField(
        _("deposit at social tariff (EUR)"), max_digits=7, decimal_places=2, default=Decimal("10")
    )
    eligibility_criteria = models.JSONField(
        _("eligibility criteria"),
        default=list,
        blank=True,
        help_text=_("Who may borrow a device. Choose 'No conditions' to lend to everyone."),
    )
    intro_course_required = models.BooleanField(_("intro course required"), default=True)
    reminder_days = models.PositiveSmallIntegerField(_("remind this many days before"), default=7)
    agreement_text = models.TextField(_("conditions in the loan agreement"))

    class Meta:
        verbose_name = _("lending settings")
        verbose_name_plural = _("lending settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(deposit_amount__gte=0, social_tariff_amount__gte=0),
                name="lending_settings_amounts_not_negative",
            )
        ]

    def __str__(self) -> str:
        return str(self.digibank)


class Donation(models.Model):
    """One batch of devices a company donated."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="donations")
    donor_name = models.CharField(_("donor (company)"), max_length=150)
    donor_contact = models.CharField(_("contact person at the donor"), max_length=150, blank=True)
    received_on = models.DateField(_("received on"))
    device_count = models.PositiveSmallIntegerField(_("number of devices received"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.donor_name} ({self.received_on:%d/%m/%Y})"


class Device(models.Model):
    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="devices")
    type = models.CharField(_("type"), max_length=20, choices=DeviceType.choices)
    brand = models.CharField(_("brand"), max_length=60)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80)
    asset_tag = models.CharField(
        _("asset tag"), max_length=30, help_text=_("The code on the label stuck on the device.")
    )
    source = models.CharField(_("source"), max_length=24, choices=DeviceSource.choices)
    donation = models.ForeignKey(
        Donation,
        verbose_name=_("donation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
    )
    refurbishing_partner = models.ForeignKey(
        Organisation,
        verbose_name=_("refurbished by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refurbished_devices",
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=DeviceCondition.choices, default=DeviceCondition.GOOD
    )
    accessibility_software = models.CharField(
        _("accessibility software installed"), max_length=255, blank=True
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("kept at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DeviceStatus.choices, default=DeviceStatus.IN_STOCK
    )
    needs_wipe = models.BooleanField(
        _("needs a data wipe"),
        default=False,
        help_text=_("Set when the device comes back; a new wipe record clears it."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["asset_tag"]
        constraints = [
            models.UniqueConstraint(
                fields=["digibank", "serial_number"], name="device_serial_unique_per_digibank"
            ),
            models.UniqueConstraint(
                fields=["digibank", "asset_tag"], name="device_asset_tag_unique_per_digibank"
            ),
            models.CheckConstraint(
                condition=~Q(source="donated") | Q(donation__isnull=False),
                name="device_donated_has_donation",
            ),
        ]
        indexes = [models.Index(fields=["digibank", "type", "status"], name="device_type_idx")]

    def __str__(self) -> str:
        return f"{self.asset_tag} {self.brand} {self.model_name}".strip()

    @property
    def lendable(self) -> bool:
        return self.status == DeviceStatus.IN_STOCK and not self.needs_wipe


class WipeRecord(models.Model):
    """A data wipe of one device: who, when, how. Shown to donors; required after a return."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="wipes")
    wiped_on = models.DateField(_("wiped on"))
    method = models.CharField(_("method"), max_length=20, choices=WipeMethod.choices)
    performed_by = models.CharField(
        _("wiped by"), max_length=150, help_text=_("Person and organisation that did the wipe.")
    )
    tool = models.CharField(_("software or tool"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wipe record")
        verbose_name_plural = _("wipe records")
        ordering = ["-wiped_on", "-id"]

    def __str__(self) -> str:
        return f"{self.device} {self.wiped_on}"


class EligibilityCheck(models.Model):
    """Which proof of eligibility was seen, by whom, when, valid until when.

    No scans or copies of documents are ever stored: only a short note of what was seen."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    criterion = models.CharField(
        _("criterion"), max_length=24, choices=EligibilityCriterion.choices
    )
    proof_seen = models.CharField(
        _("proof seen"),
        max_length=150,
        blank=True,
        help_text=_("For example: UiTPAS kansentarief seen. Never keep a copy or scan."),
    )
    motivation = models.TextField(_("motivation of the social professional"), blank=True)
    referrer_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    checked_on = models.DateField(_("checked on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_override = models.BooleanField(_("coordinator override"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_override=False) | ~Q(override_reason=""),
                name="eligibility_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("checked_on")),
                name="eligibility_valid_after_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()} ({self.checked_on})"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class Loan(models.Model):
    digibank = models.ForeignKey(Digibank, on_delete=models.PROTECT, related_name="loans")
    visitor = models.ForeignKey(
        Visitor, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    device_type = models.CharField(_("type of device"), max_length=20, choices=DeviceType.choices)
    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.REQUESTED
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("pick-up location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
    )
    request_note = models.TextField(_("why the device is needed"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    referrer_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    eligibility_check = models.ForeignKey(
        EligibilityCheck,
        verbose_name=_("eligibility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    pickup_planned_at = models.DateTimeField(_("pick-up planned at"), null=True, blank=True)
    term = models.CharField(_("term"), max_length=12, choices=LoanTerm.choices)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    is_permanent = models.BooleanField(_("assigned permanently"), default=False)
    permanent_reason = models.TextField(_("why permanently"), blank=True)
    deposit_kind = models.CharField(
        _("deposit"), max_length=14, choices=DepositKind.choices, default=DepositKind.STANDARD
    )
    deposit_amount = models.DecimalField(
        _("deposit amount (EUR)"), max_digits=7, decimal_places=2, default=Decimal("0")
    )
    deposit_waived_reason = models.TextField(_("why the deposit is waived"), blank=True)
    deposit_paid_at = models.DateTimeField(_("deposit paid at"), null=True, blank=True)
    deposit_refunded_at = models.DateTimeField(_("deposit refunded at"), null=True, blank=True)
    intro_course_required = models.BooleanField(_("intro course required"), default=False)
    intro_course_done = models.BooleanField(_("intro course done"), default=False)
    intro_enrolment = models.ForeignKey(
        "sessions_app.Enrolment",
        verbose_name=_("seat in the intro session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreement_signed_at = models.DateTimeField(_("agreement signed at"), null=True, blank=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_condition = models.CharField(
        _("condition at return"), max_length=10, choices=DeviceCondition.choices, blank=True
    )
    return_notes = models.TextField(_("notes at return"), blank=True)
    lost_on = models.DateField(_("reported lost on"), null=True, blank=True)
    lost_notes = models.TextField(_("what happened"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(status__in=["approved", "active"]),
                name="loan_one_open_loan_per_device",
                violation_error_message=_("This device is already on another loan."),
            ),
            models.CheckConstraint(
                condition=Q(deposit_amount__gte=0), name="loan_deposit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True)
                | Q(start_date__isnull=False, returned_on__gte=models.F("start_date")),
                name="loan_returned_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(lost_on__isnull=True)
                | Q(start_date__isnull=False, lost_on__gte=models.F("start_date")),
                name="loan_lost_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=models.F("start_date")),
                name="loan_due_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(deposit_kind="waived")
                | (Q(deposit_amount=0) & ~Q(deposit_waived_reason="")),
                name="loan_waived_deposit_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(deposit_refunded_at__isnull=True) | Q(deposit_paid_at__isnull=False),
                name="loan_refund_after_payment",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "returned", "lost"]) | Q(device__isnull=False),
                name="loan_open_has_device",
            ),
        ]
        indexes = [
            models.Index(fields=["digibank", "status", "due_date"], name="loan_due_idx"),
            models.Index(fields=["digibank", "start_date"], name="loan_start_idx"),
        ]

    def __str__(self) -> str:
        return _("Loan %(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LOAN_STATUSES

    @property
    def deposit_due(self) -> bool:
        return self.deposit_amount > 0 and self.deposit_paid_at is None

    @property
    def deposit_to_refund(self) -> bool:
        return (
            self.deposit_paid_at is not None
            and self.deposit_refunded_at is None
            and self.status == LoanStatus.RETURNED
        )


class LoanExtension(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="extensions")
    previous_due_date = models.DateField(_("previous due date"))
    new_due_date = models.DateField(_("new due date"))
    extended_on = models.DateField(_("extended on"))
    reason = models.TextField(_("reason"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("loan extension")
        verbose_name_plural = _("loan extensions")
        ordering = ["extended_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_date__gt=models.F("previous_due_date")),
                name="loan_extension_moves_forward",
            )
        ]

    def __str__(self) -> str:
        return f"{self.previous_due_date} -> {self.new_due_date}"


class CheckIn(models.Model):
    """A check-in moment (terugkommoment): is the device used, does it work, any questions?"""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="check_ins")
    planned_on = models.DateField(_("planned on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in moment")
        verbose_name_plural = _("check-in moments")
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.planned_on}"


class WaitingListEntry(models.Model):
    """A loan request waiting for a free device of its type; served oldest first."""

    digibank = models.ForeignKey(Digibank, on_delete=models.CASCADE, related_name="+")
    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, related_name="waiting_entry")
    device_type = models.CharField(_("type of device"), max_length=20, choices=DeviceType.choices)
    added_at = models.DateTimeField(_("added at"))
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.device_type} {self.added_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.served_at is None and self.removed_at is None


class Reminder(models.Model):
    """One reminder about one due date of one loan: sent at most once (unique constraint)."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    due_date = models.DateField(_("date"))
    channel = models.CharField(_("how"), max_length=6, choices=ReminderChannel.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(_("called or sent at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "kind", "due_date"], name="reminder_once_per_loan_kind_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date}"
