"""Navigation entries and home panels of registration (see digibank.navigation)."""

from django.utils.translation import gettext_lazy as _

from digibank.access import DESK_ROLES, MANAGE_ROLES
from digibank.home import HomePanel
from digibank.navigation import NavItem


def _desk_panel(request) -> dict | None:
    from registration.views import desk_context

    if request.digibank is None:
        return None
    return desk_context(request)


NAV_ITEMS: list = [
    NavItem(_("Desk"), "registration:desk", DESK_ROLES, order=10),
    NavItem(_("Visitors"), "registration:visitor_list", MANAGE_ROLES, order=20),
    # Import, export and privacy (coordinators).
    NavItem(_("Import"), "registration:import_upload", MANAGE_ROLES, order=70),
    NavItem(_("Export"), "registration:export", MANAGE_ROLES, order=71),
    NavItem(_("Privacy"), "registration:consent_texts", MANAGE_ROLES, order=72),
]
HOME_PANELS: list = [
    HomePanel("registration/_desk_panel.html", DESK_ROLES, context=_desk_panel, order=10),
]
