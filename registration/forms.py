from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.models import Organisation
from registration.models import HelpCategory, InternalDestination, Outcome

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
        choices=Outcome.choices,
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
