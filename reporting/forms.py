from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.models import Digibank, Location
from reporting.indicators import period_bounds
from reporting.models import ReportFile

PERIODS = [
    ("month", _("This month")),
    ("last_month", _("Last month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("since_start", _("Since the start")),
    ("custom", _("Choose dates")),
]


class PeriodForm(forms.Form):
    """The period (and location or digibank) filter of the dashboards. Never invalid: bad input
    falls back to this year, with the error shown."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    evolution = forms.ChoiceField(
        label=_("Evolution per"),
        choices=[("month", _("month")), ("quarter", _("quarter")), ("year", _("year"))],
        required=False,
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("All locations"),
    )
    digibank = forms.ModelChoiceField(
        label=_("Digibank"),
        queryset=Digibank.objects.none(),
        required=False,
        empty_label=_("All digibanks"),
    )

    def __init__(self, *args, digibank: Digibank | None = None, department=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_digibank = digibank
        if department:
            self.fields["digibank"].queryset = Digibank.objects.order_by("name")
            del self.fields["location"]
        else:
            del self.fields["digibank"]
            self.fields["location"].queryset = Location.objects.filter(digibank=digibank)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if cleaned.get("period") == "custom" or (start and end and not cleaned.get("period")):
            if not (start and end):
                raise forms.ValidationError(_("Fill in both dates."))
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
        return cleaned

    def bounds(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or ("custom" if data.get("start") else "year")
        if period == "custom":
            return data["start"], data["end"]
        if period == "last_month":
            return period_bounds("month", today.replace(day=1) - dt.timedelta(days=1))
        if period == "since_start":
            digibank = data.get("digibank") or self.scope_digibank
            start = digibank.start_date if digibank else dt.date(2021, 1, 1)
            return start, today
        first, _last = period_bounds(period, today)
        return first, today


class ReportRequestForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Format"), choices=ReportFile.Format.choices)
    digibank = forms.ModelChoiceField(
        label=_("Digibank"),
        queryset=Digibank.objects.none(),
        required=False,
        empty_label=_("All digibanks"),
    )

    def __init__(self, *args, department=False, **kwargs):
        super().__init__(*args, **kwargs)
        if department:
            self.fields["digibank"].queryset = Digibank.objects.order_by("name")
        else:
            del self.fields["digibank"]
