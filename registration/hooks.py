"""Set-up a new digibank needs from this app (called by `digibank.services.digibank_create`)."""

from django.utils.translation import gettext_lazy as _

from registration.models import ConsentText, TargetGroup

# The department's five target groups first, then the usual local ones.
DEFAULT_TARGET_GROUPS = [
    ("low_literate", _("Low-literate"), True),
    ("age_55_74", _("55-74 years"), True),
    ("low_educated", _("Low educational level"), True),
    ("job_seeker", _("Job seeker"), True),
    ("low_income", _("Low income"), True),
    ("other_language", _("Speaks little Dutch"), False),
    ("newcomer", _("Newcomer"), False),
    ("disability", _("Person with a disability"), False),
    ("age_75_plus", _("75+"), False),
]

DEFAULT_CONSENT_TEXT = (
    "We schrijven je naam, geboortejaar en postcode op. Zo weten we of je al eens bij ons was. "
    "We gebruiken dit alleen om je te helpen en om te tellen hoeveel mensen we helpen. "
    "Het departement krijgt nooit je naam. Je mag altijd vragen wat we over jou bijhouden, "
    "of vragen om het te wissen."
)


def digibank_created(digibank) -> None:
    TargetGroup.objects.bulk_create(
        [
            TargetGroup(
                digibank=digibank, code=code, name=str(name), is_department_group=dept, order=i
            )
            for i, (code, name, dept) in enumerate(DEFAULT_TARGET_GROUPS)
        ]
    )
    ConsentText.objects.create(digibank=digibank, version=1, text=DEFAULT_CONSENT_TEXT)
