from django.utils.translation import gettext_lazy as _

from digibank.access import MANAGE_ROLES
from digibank.models import Role
from digibank.navigation import NavItem

NAV_ITEMS = [
    NavItem(_("Home"), "home", frozenset(Role.values), order=0),
    NavItem(_("Locations"), "digibank:location_list", MANAGE_ROLES, order=80),
    NavItem(_("Organisations"), "digibank:organisation_list", MANAGE_ROLES, order=81),
    NavItem(_("Members"), "digibank:member_list", MANAGE_ROLES, order=82),
    NavItem(_("Audit log"), "digibank:audit_log", MANAGE_ROLES, order=90),
]
