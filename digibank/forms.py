from django import forms
from django.utils.translation import gettext_lazy as _

from digibank.models import Location, Organisation, Role


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "kind",
            "address",
            "municipality",
            "host_organisation",
            "opening_notes",
            "active",
        ]
        widgets = {"opening_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = Organisation.objects.filter(digibank=digibank)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "type", "is_partner", "is_referrer", "active"]


INVITABLE_ROLES = [(r.value, r.label) for r in Role if r != Role.DEPARTMENT]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES, initial=Role.VOLUNTEER)
    organisation = forms.ModelChoiceField(
        label=_("Organisation (for referrers)"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            digibank=digibank, active=True
        )


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits."),
        max_length=128,
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES)
    active = forms.BooleanField(label=_("Active"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation (for referrers)"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args, digibank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(digibank=digibank)
