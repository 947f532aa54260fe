import datetime as dt
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.models import Location, Organisation
from registration.models import (
    ActivityKind,
    Education,
    Employment,
    FormOfService,
    Gender,
    HelpCategory,
    InternalDestination,
    Language,
    Outcome,
    ReferrerChannel,
    TargetGroup,
    TargetGroupAnswer,
)

# Suggestions for "service or app concerned" (a <datalist>; free text stays possible).
CONCERNED_SERVICE_SUGGESTIONS = [
    "itsme",
    "MyMinfin",
    "eBox",
    "Doccle",
    "CSAM / Mijn Burgerprofiel",
    "Mijn VDAB",
    "Mutualiteit / ziekenfonds",
    "Mijn Gezondheid",
    "CoronaCheck / EU-certificaat",
    "Belfius",
    "KBC",
    "BNP Paribas Fortis",
    "ING",
    "Argenta",
    "Crelan",
    "Payconiq",
    "Gmail",
    "Outlook / Hotmail",
    "Telenet",
    "Proximus",
    "Fluvius",
    "De Lijn",
    "NMBS",
    "WhatsApp",
    "Facebook",
    "Smartschool",
    "Pluxee / Edenred / Monizze",
    "Kind en Gezin",
    "Woonpunt / sociale huisvesting",
    "Phishing-sms",
    "Nieuwe smartphone",
]


class HelpQuestionForm(forms.Form):
    """What was asked and what came of it; used at the desk and in the appointment day view."""

    categories = forms.ModelMultipleChoiceField(
        label=_("What was the question about?"),
        queryset=HelpCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    concerned_service = forms.CharField(
        label=_("Which service or app?"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "concerned-service-suggestions", "autocomplete": "off"}
        ),
    )
    has_content_side = forms.BooleanField(
        label=_("Also a question about the matter itself (not only the technique)"), required=False
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Outcome.choices if c[0] != Outcome.UNKNOWN],
        initial=Outcome.SOLVED,
        widget=forms.RadioSelect,
    )
    referred_to_organisation = forms.ModelChoiceField(
        label=_("Referred to organisation"), queryset=Organisation.objects.none(), required=False
    )
    referred_to_text = forms.CharField(
        label=_("Referred to (other)"), max_length=150, required=False
    )
    referred_internal_to = forms.ChoiceField(
        label=_("Referred within the digibank to"),
        choices=[("", "---------"), *InternalDestination.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Short note (no sensitive details)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_to_organisation"].queryset = Organisation.objects.filter(
            digibank=digibank, active=True
        )


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def clean_person_name(value: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise forms.ValidationError(_("Fill in the name."), code="required")
    if "<" in value or ">" in value:
        raise forms.ValidationError(
            _("A name cannot contain the signs < or >."), code="invalid_characters"
        )
    if not any(character.isalpha() for character in value):
        raise forms.ValidationError(_("A name needs at least one letter."), code="no_letters")
    return value


class DeskSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a visitor"),
        max_length=100,
        required=False,
        help_text=_("Part of the name, the birth year or the code on the visitor card."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


class IdentityFields(forms.Form):
    """The four fields that identify a visitor, with clear Dutch messages for bad input."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={
            "required": _("Fill in the first name."),
            "max_length": _("A name can have at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={
            "required": _("Fill in the last name."),
            "max_length": _("A name can have at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_year = forms.CharField(
        label=_("Birth year"),
        max_length=20,
        error_messages={
            "required": _("Fill in the birth year, for example 1958."),
            "max_length": _("Give a birth year of 4 digits, for example 1958."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        required=False,
        help_text=_('4 digits. Don\'t know it? Tick "unknown".'),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    postcode_unknown = forms.BooleanField(label=_("Postcode unknown"), required=False)

    def clean_first_name(self) -> str:
        return clean_person_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_person_name(self.cleaned_data["last_name"])

    def clean_birth_year(self) -> int:
        raw = self.cleaned_data["birth_year"].strip()
        this_year = timezone.localdate().year
        if not (raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= this_year):
            raise forms.ValidationError(
                _("Give a birth year between %(first)s and %(last)s, for example 1958.")
                % {"first": 1900, "last": this_year},
                code="invalid",
            )
        return int(raw)

    def clean_postcode(self) -> str:
        value = "".join(self.cleaned_data["postcode"].split())
        if value.casefold() in {"onbekend", "unknown", "?", "-"}:
            self.postcode_said_unknown = True
            return ""
        if value and not (len(value) == 4 and value.isdigit() and value[0] != "0"):
            raise forms.ValidationError(
                _(
                    "A Belgian postcode has 4 digits, for example 3300. Don't know it? Tick "
                    '"unknown".'
                ),
                code="invalid",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if (
            "postcode" in cleaned
            and not cleaned.get("postcode")
            and not cleaned.get("postcode_unknown")
            and not getattr(self, "postcode_said_unknown", False)
            and not self.has_error("postcode")
        ):
            self.add_error(
                "postcode",
                forms.ValidationError(
                    _('Fill in the postcode, or tick "unknown".'), code="required"
                ),
            )
        return cleaned


class ProfileFields(forms.Form):
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.UNKNOWN
    )
    education = forms.ChoiceField(
        label=_("Highest diploma"), choices=Education.choices, initial=Education.UNKNOWN
    )
    employment = forms.ChoiceField(
        label=_("Employment status"), choices=Employment.choices, initial=Employment.UNKNOWN
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups_answer = forms.ChoiceField(
        label=_("If no target group is ticked"),
        choices=[
            (TargetGroupAnswer.UNKNOWN, _("Unknown")),
            (TargetGroupAnswer.DECLINED, _("Prefers not to say")),
        ],
        initial=TargetGroupAnswer.UNKNOWN,
        required=False,
    )
    phone = forms.CharField(
        label=_("Phone (only for reminders)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail address (only for reminders)"),
        required=False,
        error_messages={"invalid": _("This is not a valid e-mail address.")},
    )

    def clean_target_groups_answer(self) -> str:
        return self.cleaned_data.get("target_groups_answer") or TargetGroupAnswer.UNKNOWN


class VisitorRegisterForm(IdentityFields, ProfileFields):
    """A new visitor at the desk: four fields first, the rest optional, then consent."""

    confirm_minor = forms.BooleanField(
        label=_("I know this person is younger than 18 and register them anyway"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("The visitor agrees"),
        error_messages={"required": _("Ask for consent. Without consent, register anonymously.")},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    IDENTITY = ("first_name", "last_name", "birth_year", "postcode", "postcode_unknown")
    PROFILE = (
        "gender",
        "language",
        "education",
        "employment",
        "target_groups",
        "target_groups_answer",
        "phone",
        "email",
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(
            digibank=digibank, active=True
        )
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())

    def clean(self):
        cleaned = super().clean()
        birth_year = cleaned.get("birth_year")
        if (
            isinstance(birth_year, int)
            and birth_year > timezone.localdate().year - 18
            and not cleaned.get("confirm_minor")
        ):
            self.add_error(
                "confirm_minor",
                forms.ValidationError(
                    _(
                        "This person is younger than 18. Digibanks help adults. Tick the box if "
                        "you want to register them anyway."
                    ),
                    code="minor",
                ),
            )
        return cleaned

    @property
    def is_minor_warning(self) -> bool:
        return self.has_error("confirm_minor") or bool(self.data.get("confirm_minor"))

    def identity_fields(self):
        return [self[name] for name in self.IDENTITY]

    def profile_fields(self):
        return [self[name] for name in self.PROFILE]


class VisitorEditForm(IdentityFields, ProfileFields):
    """The coordinator edits a visitor; every change is logged (field names only)."""

    def __init__(self, *args, digibank, visitor, **kwargs):
        initial = {
            "first_name": visitor.first_name,
            "last_name": visitor.last_name,
            "birth_year": str(visitor.birth_year or ""),
            "postcode": visitor.postcode,
            "postcode_unknown": not visitor.postcode,
            "gender": visitor.gender,
            "language": visitor.language,
            "education": visitor.education,
            "employment": visitor.employment,
            "target_groups": list(visitor.target_groups.all()),
            "target_groups_answer": visitor.target_groups_answer
            if visitor.target_groups_answer != TargetGroupAnswer.GIVEN
            else TargetGroupAnswer.UNKNOWN,
            "phone": visitor.phone,
            "email": visitor.email,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(digibank=digibank)


class ParticipationForm(forms.Form):
    """Today's participation at the desk; the location comes pre-filled from the desk."""

    form_of_service = forms.ChoiceField(
        label=_("Form of service"),
        choices=FormOfService.choices,
        initial=FormOfService.INDIVIDUAL_SUPPORT,
        widget=forms.RadioSelect,
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        error_messages={"required": _("Choose the location.")},
    )
    activity_kind = forms.ChoiceField(
        label=_("Kind of activity"),
        choices=[("", _("(not specified)")), *ActivityKind.choices],
        initial=ActivityKind.DIGIPUNT_WALK_IN,
        required=False,
    )
    occurred_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a valid date.")},
    )
    referrer_channel = forms.ChoiceField(
        label=_("How did this person find us?"),
        choices=ReferrerChannel.choices,
        initial=ReferrerChannel.UNKNOWN,
    )
    referrer_organisation = forms.ModelChoiceField(
        label=_("Sent by organisation"), queryset=Organisation.objects.none(), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, digibank, location=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(digibank=digibank, active=True)
        self.fields["referrer_organisation"].queryset = Organisation.objects.filter(
            digibank=digibank, active=True, is_referrer=True
        )
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())
            self.initial.setdefault("occurred_on", timezone.localdate())
            if location is not None:
                self.initial.setdefault("location", location.pk)

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        if day < timezone.localdate() - dt.timedelta(days=366):
            raise forms.ValidationError(
                _("The date is more than a year ago. Ask your coordinator."), code="too_old"
            )
        return day

    @property
    def needs_help_question(self) -> bool:
        value = self.data.get("form_of_service") if self.is_bound else None
        return (value or FormOfService.INDIVIDUAL_SUPPORT) == FormOfService.INDIVIDUAL_SUPPORT


class AnonymousParticipationForm(forms.Form):
    form_of_service = forms.ChoiceField(
        choices=FormOfService.choices, initial=FormOfService.INDIVIDUAL_SUPPORT
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label=_("Which record do you keep?"), widget=forms.RadioSelect)

    def __init__(self, *args, first, second, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(first.pk), f"{first} · {first.visitor_code}"),
            (str(second.pk), f"{second} · {second.visitor_code}"),
        ]
        self.fields["keep"].initial = str(first.pk)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: the name, birth year, postcode and contact details are removed for good"
        ),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class VisitorFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    target_group = forms.ModelChoiceField(
        label=_("Target group"), queryset=TargetGroup.objects.none(), required=False
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        required=False,
        help_text=_('Or "unknown".'),
    )
    form_of_service = forms.ChoiceField(
        label=_("Form of service"),
        choices=[("", _("All")), *FormOfService.choices],
        required=False,
    )
    returning = forms.ChoiceField(
        label=_("Visits"),
        choices=[
            ("", _("All")),
            ("returning", _("Returning (2 or more days)")),
            ("one_time", _("One day only")),
        ],
        required=False,
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = TargetGroup.objects.filter(digibank=digibank)

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip().casefold()
        if value in {"onbekend", "unknown"}:
            return "unknown"
        return value
