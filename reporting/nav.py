"""Navigation entries and the home panel of reporting (see digibank.navigation, digibank.home)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from digibank.access import DEPARTMENT_ROLES, MANAGE_ROLES
from digibank.home import HomePanel
from digibank.navigation import NavItem


def _headline(request: HttpRequest) -> dict | None:
    from reporting.selectors import headline

    if request.digibank is None:
        return None
    return {"headline": headline(digibank=request.digibank)}


NAV_ITEMS = [
    NavItem(_("Numbers"), "reporting:dashboard", MANAGE_ROLES, order=60),
    NavItem(_("Numbers"), "reporting:department", DEPARTMENT_ROLES, order=60),
    NavItem(_("Signals"), "reporting:signals", MANAGE_ROLES | DEPARTMENT_ROLES, order=61),
    NavItem(_("Reports"), "reporting:report_file_list", MANAGE_ROLES | DEPARTMENT_ROLES, order=62),
]

HOME_PANELS = [
    HomePanel("reporting/_home_panel.html", MANAGE_ROLES, context=_headline, order=10),
]
