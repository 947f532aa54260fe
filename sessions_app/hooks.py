"""Set-up a new digibank needs from this app (called by `digibank.services.digibank_create`)."""

from django.utils.translation import gettext_lazy as _

from sessions_app.models import Theme

# The themes visitors ask about most (seed 001, chapter 2C and 2D); a digibank adds its own.
DEFAULT_THEMES = [
    _("itsme"),
    _("MyMinfin and taxes online"),
    _("Safe online and phishing"),
    _("Smartphone basics"),
    _("E-mail"),
    _("Online banking"),
    _("eBox and Doccle"),
    _("Mijn Burgerprofiel"),
    _("Computer basics"),
    _("Photos and video"),
    _("Video calling"),
    _("Artificial intelligence"),
]


def digibank_created(digibank) -> None:
    Theme.objects.bulk_create(
        [
            Theme(digibank=digibank, name=str(name), order=i * 10)
            for i, name in enumerate(DEFAULT_THEMES)
        ]
    )


# Rows that belong to a visitor and follow them when two visitors are merged
# (registration.services.visitor_merge): (model label, fields that must stay unique per visitor).
# A sign-up for an activity, or an attendance of a session, the kept record already has stays
# with the merged record.
VISITOR_LINKS = [
    ("sessions_app.Enrolment", ("activity",)),
    ("sessions_app.Attendance", ("session",)),
    ("sessions_app.Appointment", ()),
    ("sessions_app.WalkIn", ()),
]
