from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.models import Location, Organisation
from lending.models import (
    DepositKind,
    Device,
    DeviceCondition,
    DeviceSource,
    DeviceStatus,
    DeviceType,
    Donation,
    EligibilityCheck,
    EligibilityCriterion,
    LoanTerm,
    WipeMethod,
)
from lending.services import MANUAL_STATUSES
from sessions_app.models import Session
from sessions_app.selectors import intro_session_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _locations(digibank):
    return Location.objects.filter(digibank=digibank, active=True)


def _organisations(digibank):
    return Organisation.objects.filter(digibank=digibank, active=True)


class DeviceFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *DeviceType.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *DeviceStatus.choices], required=False
    )
    location = forms.ModelChoiceField(
        label=_("Kept at"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("All locations"),
    )
    q = forms.CharField(label=_("Asset tag, serial number or brand"), required=False)

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(digibank)


class DeviceForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=DeviceType.choices)
    brand = forms.CharField(label=_("Brand"), max_length=60)
    model_name = forms.CharField(label=_("Model"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=80)
    asset_tag = forms.CharField(
        label=_("Asset tag"), max_length=30, help_text=_("The code on the label, e.g. TL-0042.")
    )
    source = forms.ChoiceField(label=_("Source"), choices=DeviceSource.choices)
    donation = forms.ModelChoiceField(
        label=_("Donation"), queryset=Donation.objects.none(), required=False
    )
    refurbishing_partner = forms.ModelChoiceField(
        label=_("Refurbished by"), queryset=Organisation.objects.none(), required=False
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=DeviceCondition.choices)
    accessibility_software = forms.CharField(
        label=_("Accessibility software installed"), max_length=255, required=False
    )
    location = forms.ModelChoiceField(
        label=_("Kept at"), queryset=Location.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donation"].queryset = Donation.objects.filter(digibank=digibank)
        self.fields["refurbishing_partner"].queryset = _organisations(digibank)
        self.fields["location"].queryset = _locations(digibank)


class DeviceStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in MANUAL_STATUSES],
    )


class DonationForm(forms.Form):
    donor_name = forms.CharField(label=_("Donor (company)"), max_length=150)
    donor_contact = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    device_count = forms.IntegerField(label=_("Number of devices"), min_value=1)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class WipeForm(forms.Form):
    wiped_on = forms.DateField(label=_("Wiped on"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=WipeMethod.choices)
    performed_by = forms.CharField(
        label=_("Wiped by"), max_length=150, help_text=_("Person and organisation.")
    )
    tool = forms.CharField(label=_("Software or tool"), max_length=100, required=False)


class LoanRequestForm(forms.Form):
    device_type = forms.ChoiceField(label=_("Which device is needed?"), choices=DeviceType.choices)
    location = forms.ModelChoiceField(
        label=_("Pick-up location"), queryset=Location.objects.none(), required=False
    )
    referrer_organisation = forms.ModelChoiceField(
        label=_("Referred by"), queryset=Organisation.objects.none(), required=False
    )
    request_note = forms.CharField(
        label=_("Why is the device needed?"),
        help_text=_("For example: for the Dutch course, to apply for jobs. Keep it short."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(digibank)
        self.fields["referrer_organisation"].queryset = _organisations(digibank).filter(
            is_referrer=True
        )


class EligibilityForm(forms.Form):
    criterion = forms.ChoiceField(label=_("Criterion"), choices=EligibilityCriterion.choices)
    proof_seen = forms.CharField(
        label=_("Which proof did you see?"),
        max_length=150,
        required=False,
        help_text=_("For example: UiTPAS kansentarief seen. Never make a copy or scan."),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    motivation = forms.CharField(
        label=_("Motivation of the social professional"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    referrer_organisation = forms.ModelChoiceField(
        label=_("Referred by"), queryset=Organisation.objects.none(), required=False
    )
    override_reason = forms.CharField(
        label=_("Exception by the coordinator: reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only for coordinators, when the criteria are not met but a loan is needed."),
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer_organisation"].queryset = _organisations(digibank)


class PageIdsMixin:
    """The loan page shows several of these forms at once: each form class gets its own id
    prefix, so a label, help text or error never points at another form's field. Field names,
    and so what is posted, stay the same."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ApproveForm(PageIdsMixin, forms.Form):
    id_prefix = "approve"

    eligibility_check = forms.ModelChoiceField(
        label=_("Eligibility"), queryset=EligibilityCheck.objects.none(), required=False
    )
    term = forms.ChoiceField(label=_("Term"), choices=LoanTerm.choices)
    deposit_kind = forms.ChoiceField(label=_("Deposit"), choices=DepositKind.choices)
    deposit_waived_reason = forms.CharField(
        label=_("Why is the deposit waived?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    device = forms.ModelChoiceField(
        label=_("Device"),
        queryset=Device.objects.none(),
        required=False,
        empty_label=_("First free device of this type (or waiting list)"),
    )
    pickup_at = forms.DateTimeField(label=_("Pick-up appointment"), widget=DATETIME, required=False)
    location = forms.ModelChoiceField(
        label=_("Pick-up location"), queryset=Location.objects.none(), required=False
    )
    intro_session = forms.ModelChoiceField(
        label=_("Intro session (reserves a seat for the borrower)"),
        queryset=Session.objects.none(),
        required=False,
    )

    def __init__(self, *args, loan, free_devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligibility_check"].queryset = EligibilityCheck.objects.filter(
            visitor_id=loan.visitor_id
        )
        self.fields["device"].queryset = free_devices
        self.fields["location"].queryset = _locations(loan.digibank)
        self.fields["intro_session"].queryset = intro_session_choices(digibank=loan.digibank)


class BookPickupForm(PageIdsMixin, forms.Form):
    id_prefix = "book"

    device = forms.ModelChoiceField(label=_("Device"), queryset=Device.objects.none())
    pickup_at = forms.DateTimeField(label=_("Pick-up appointment"), widget=DATETIME, required=False)
    location = forms.ModelChoiceField(
        label=_("Pick-up location"), queryset=Location.objects.none(), required=False
    )

    intro_session = forms.ModelChoiceField(
        label=_("Intro session (reserves a seat for the borrower)"),
        queryset=Session.objects.none(),
        required=False,
    )

    def __init__(self, *args, loan, free_devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = free_devices
        self.fields["location"].queryset = _locations(loan.digibank)
        self.fields["intro_session"].queryset = intro_session_choices(digibank=loan.digibank)


class PickupForm(PageIdsMixin, forms.Form):
    id_prefix = "pickup"

    picked_up_on = forms.DateField(label=_("Picked up on"), widget=DATE)
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False
    )
    deposit_paid = forms.BooleanField(label=_("The deposit has been paid"), required=False)
    agreement_signed = forms.BooleanField(
        label=_("The borrower signed the loan agreement"), required=False
    )

    def __init__(self, *args, loan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(loan.digibank)


class ExtendForm(PageIdsMixin, forms.Form):
    id_prefix = "extend"

    new_due_date = forms.DateField(label=_("New due date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReturnForm(PageIdsMixin, forms.Form):
    id_prefix = "return"

    returned_on = forms.DateField(label=_("Returned on"), widget=DATE)
    condition = forms.ChoiceField(label=_("Condition"), choices=DeviceCondition.choices)
    notes = forms.CharField(
        label=_("Notes on the condition"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class LostForm(PageIdsMixin, forms.Form):
    id_prefix = "lost"

    lost_on = forms.DateField(label=_("Lost or stolen on"), widget=DATE)
    notes = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(PageIdsMixin, forms.Form):
    id_prefix = "reason"

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CheckInPlanForm(PageIdsMixin, forms.Form):
    id_prefix = "checkin_plan"

    planned_on = forms.DateField(label=_("Check-in on"), widget=DATE)


class CheckInRecordForm(PageIdsMixin, forms.Form):
    id_prefix = "checkin"

    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    notes = forms.CharField(
        label=_("How is it going?"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class LendingSettingsForm(forms.Form):
    default_term = forms.ChoiceField(label=_("Default term"), choices=LoanTerm.choices)
    deposit_amount = forms.DecimalField(label=_("Deposit (EUR)"), max_digits=7, decimal_places=2)
    social_tariff_amount = forms.DecimalField(
        label=_("Deposit at social tariff (EUR)"), max_digits=7, decimal_places=2
    )
    eligibility_criteria = forms.MultipleChoiceField(
        label=_("Who may borrow?"),
        choices=EligibilityCriterion.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    intro_course_required = forms.BooleanField(
        label=_("Borrowers follow an intro course"), required=False
    )
    reminder_days = forms.IntegerField(
        label=_("Send reminders this many days before"), min_value=1, max_value=60
    )
    agreement_text = forms.CharField(
        label=_("Conditions in the loan agreement"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "You can use {ontlener}, {toestel}, {einddatum}, {waarborg} and {digibank}; "
            "they are filled in for each loan."
        ),
    )
