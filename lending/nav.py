"""Navigation, home panel and visitor-page panel of the lending service."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from digibank.access import DESK_ROLES, MANAGE_ROLES
from digibank.home import HomePanel, VisitorPanel
from digibank.navigation import NavItem
from lending import selectors


def desk_panel(request: HttpRequest) -> dict | None:
    """Due today, overdue, pick-ups today and requests waiting: one query."""
    if request.digibank is None:
        return None
    return {"counts": selectors.desk_counts(digibank=request.digibank)}


def visitor_panel(request: HttpRequest, visitor) -> dict | None:
    """The visitor's open loans and past loans (borrower history)."""
    if request.digibank is None or visitor.digibank_id != request.digibank.pk:
        return None
    return {
        "visitor": visitor,
        **selectors.visitor_loans(visitor=visitor),
    }


NAV_ITEMS = [
    NavItem(_("Lending"), "lending:overview", DESK_ROLES, order=40),
    NavItem(_("Devices"), "lending:device_list", DESK_ROLES, order=41),
    NavItem(_("Donations"), "lending:donation_list", MANAGE_ROLES, order=42),
]

HOME_PANELS = [HomePanel("lending/_home_panel.html", DESK_ROLES, desk_panel, order=40)]

VISITOR_PANELS = [
    VisitorPanel(
        "lending/_visitor_panel.html",
        DESK_ROLES,
        visitor_panel,
        order=40,
    )
]
