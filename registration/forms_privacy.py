"""Forms of the import, export, consent and privacy pages (issue 4)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.models import Location, Organisation, User
from registration.models import ReferrerChannel


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "One row per participation, with the columns of the old registration form. "
            "First you see what would be imported; nothing is saved yet."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ImportConfirmForm(forms.Form):
    """One choice per unknown location and referrer: create it, or map it to what exists."""

    def __init__(self, *args, digibank, unknown_locations, unknown_referrers, **kwargs):
        super().__init__(*args, **kwargs)
        self.locations = list(unknown_locations)
        self.referrers = list(unknown_referrers)
        location_choices = [("new", _("Create as a new location"))] + [
            (f"location:{pk}", name)
            for pk, name in Location.objects.filter(digibank=digibank).values_list("pk", "name")
        ]
        referrer_choices = [
            ("new", _("Create as a new organisation")),
            (
                _("Existing organisation"),
                [
                    (f"organisation:{pk}", name)
                    for pk, name in Organisation.objects.filter(digibank=digibank).values_list(
                        "pk", "name"
                    )
                ],
            ),
            (
                _("Channel"),
                [(f"channel:{code}", label) for code, label in ReferrerChannel.choices],
            ),
        ]
        for index, text in enumerate(self.locations):
            self.fields[f"location_{index}"] = forms.ChoiceField(
                label=_("Location '%(name)s'") % {"name": text},
                choices=location_choices,
                initial="new",
            )
        for index, text in enumerate(self.referrers):
            self.fields[f"referrer_{index}"] = forms.ChoiceField(
                label=_("Referrer '%(name)s'") % {"name": text},
                choices=referrer_choices,
                initial="new",
            )

    def location_choices(self) -> dict[str, str]:
        return {t: self.cleaned_data[f"location_{i}"] for i, t in enumerate(self.locations)}

    def referrer_choices(self) -> dict[str, str]:
        return {t: self.cleaned_data[f"referrer_{i}"] for i, t in enumerate(self.referrers)}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[("visitors", _("Visitors")), ("participations", _("Participations"))],
        widget=forms.RadioSelect,
        initial="participations",
    )
    file_format = forms.ChoiceField(
        label=_("File type"),
        choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV (.csv)"))],
        widget=forms.RadioSelect,
        initial="xlsx",
    )


class ConsentTextForm(forms.Form):
    text = forms.CharField(
        label=_("New consent text"),
        help_text=_(
            "Plain language (B1): short sentences, say what you write down, why, and that "
            "the visitor can ask to see or erase it."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
    )


class AccessLogFilterForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.none(), required=False)
    visitor_code = forms.CharField(label=_("Visitor code"), max_length=8, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.filter(
            memberships__digibank=digibank
        ).order_by("name", "email")
