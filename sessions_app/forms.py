from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.models import Location, Membership, Organisation, Role
from sessions_app.models import DeskMode, SignUp, Theme, TrainingKind, Triage, Weekday


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    description = forms.CharField(
        label=_("What you learn"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    organisation = forms.ModelChoiceField(
        label=_("Given by"), queryset=Organisation.objects.none(), required=False
    )
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    signup = forms.ChoiceField(label=_("Sign-up"), choices=SignUp.choices, initial=SignUp.REQUIRED)
    capacity = forms.IntegerField(
        label=_("Number of seats"),
        required=False,
        help_text=_("Empty means no limit (only without sign-up)."),
    )
    audience_notes = forms.CharField(
        label=_("Level and audience"),
        max_length=255,
        required=False,
        help_text=_("For example: for beginners, bring your own smartphone, simple Dutch."),
    )
    price = forms.DecimalField(
        label=_("Price (euro)"),
        max_digits=6,
        decimal_places=2,
        initial=0,
        help_text=_("0 is free."),
    )
    published = forms.BooleanField(label=_("On the public programme"), required=False, initial=True)

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(digibank=digibank, active=True)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            digibank=digibank, active=True
        )
        self.fields["location"].queryset = Location.objects.filter(digibank=digibank, active=True)


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())
    location = forms.ModelChoiceField(
        label=_("Other location"),
        queryset=Location.objects.none(),
        required=False,
        help_text=_("Only if not at the activity's usual location."),
    )
    repeat_weeks = forms.IntegerField(
        label=_("Repeat every week, number of times"),
        min_value=1,
        max_value=20,
        initial=1,
        help_text=_("For a series: 7 makes seven weekly sessions."),
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(digibank=digibank, active=True)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            data["starts_at"] = _aware(data["date"], data["start_time"])
            data["ends_at"] = _aware(data["date"], data["end_time"])
        return data


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("New theme"), max_length=100)


class VisitorChoiceForm(forms.Form):
    visitor = forms.IntegerField(widget=forms.HiddenInput)


class EnrolForm(forms.Form):
    visitor = forms.IntegerField(label=_("Visitor"), widget=forms.HiddenInput)
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RollCallAnonymousForm(forms.Form):
    count = forms.IntegerField(
        label=_("People who came without registering (number)"), min_value=0, max_value=500
    )


class ThemeWishForm(forms.Form):
    text = forms.CharField(label=_("Which theme would people like next time?"), max_length=150)
    count = forms.IntegerField(label=_("How many people asked for it?"), min_value=1, initial=1)


class OpeningHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())
    mode = forms.ChoiceField(label=_("How"), choices=DeskMode.choices, initial=DeskMode.BOTH)
    slot_minutes = forms.IntegerField(
        label=_("Minutes per appointment"), min_value=5, max_value=480, initial=30
    )
    helpers_on_duty = forms.IntegerField(
        label=_("Digihelpers on duty"), min_value=1, max_value=50, initial=1
    )


class OpeningExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    closed = forms.BooleanField(label=_("Closed all day"), required=False, initial=True)
    start_time = forms.TimeField(label=_("Other hours: from"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("Other hours: until"), required=False, widget=TimeInput())
    mode = forms.ChoiceField(label=_("How"), choices=DeskMode.choices, initial=DeskMode.BOTH)
    slot_minutes = forms.IntegerField(
        label=_("Minutes per appointment"), min_value=5, max_value=480, initial=30
    )
    helpers_on_duty = forms.IntegerField(
        label=_("Digihelpers on duty"), min_value=1, max_value=50, initial=1
    )
    reason = forms.CharField(label=_("Reason"), max_length=150, required=False)


class BookingForm(forms.Form):
    visitor = forms.IntegerField(widget=forms.HiddenInput)
    slot = forms.DateTimeField(label=_("Time"), widget=forms.HiddenInput)
    question = forms.CharField(
        label=_("The question in one sentence"),
        max_length=200,
        help_text=_("So the digihelper can prepare. No passwords or sensitive details."),
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput, required=False)


class HomeVisitForm(forms.Form):
    visitor = forms.IntegerField(widget=forms.HiddenInput)
    location = forms.ModelChoiceField(
        label=_("From which digipunt"), queryset=Location.objects.none()
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Time"), widget=TimeInput())
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=60
    )
    address = forms.CharField(label=_("Address"), max_length=255)
    question = forms.CharField(
        label=_("The question in one sentence"),
        max_length=200,
        help_text=_("So the digihelper can prepare. No passwords or sensitive details."),
    )
    assigned_helper = forms.ModelChoiceField(
        label=_("Digihelper who goes"), queryset=Membership.objects.none(), required=False
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(digibank=digibank, active=True)
        self.fields["assigned_helper"].queryset = Membership.objects.filter(
            digibank=digibank, role__in=[Role.VOLUNTEER, Role.COORDINATOR], active=True
        ).select_related("user")
        self.fields["assigned_helper"].label_from_instance = lambda m: str(m.user)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time"):
            data["starts_at"] = _aware(data["date"], data["start_time"])
        return data


class WalkInForm(forms.Form):
    call_name = forms.CharField(
        label=_("First name or number to call"), max_length=40, required=False
    )
    visitor = forms.IntegerField(required=False, widget=forms.HiddenInput)
    question = forms.CharField(label=_("Short question"), max_length=200, required=False)
    triage = forms.ChoiceField(
        label=_("Triage"), choices=Triage.choices, initial=Triage.SHORT, widget=forms.RadioSelect
    )


class VisitorMinimalForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_year = forms.IntegerField(label=_("Birth year"), min_value=1900, max_value=2100)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=4, required=False, help_text=_("Empty means unknown.")
    )
    confirm_minor = forms.BooleanField(
        label=_("I know this person is younger than 18 and register them anyway"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("The person agrees"),
        error_messages={
            "required": _("Ask for consent first. Without consent, we cannot register.")
        },
    )
