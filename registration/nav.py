"""Navigation entries and home panels of registration (see digibank.navigation)."""

from django.utils.translation import gettext_lazy as _

from digibank.access import MANAGE_ROLES
from digibank.navigation import NavItem

NAV_ITEMS: list = [
    # Issue 4: import, export and privacy (coordinators).
    NavItem(_("Import"), "registration:import_upload", MANAGE_ROLES, order=70),
    NavItem(_("Export"), "registration:export", MANAGE_ROLES, order=71),
    NavItem(_("Privacy"), "registration:consent_texts", MANAGE_ROLES, order=72),
]
HOME_PANELS: list = []
