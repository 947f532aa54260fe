"""Navigation entries, home panels and visitor-page panels of training and appointments."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.access import DESK_ROLES, ENROL_ROLES, MANAGE_ROLES
from digibank.home import HomePanel, VisitorPanel
from digibank.navigation import NavItem
from digibank.views import desk_location
from sessions_app import selectors

NAV_ITEMS = [
    NavItem(_("Workshops"), "sessions_app:session_list", ENROL_ROLES, order=30),
    NavItem(_("Book an appointment"), "sessions_app:book", ENROL_ROLES, order=31),
    NavItem(_("Digipunt day"), "sessions_app:digipunt_list", DESK_ROLES, order=32),
    NavItem(_("Activities"), "sessions_app:activity_list", MANAGE_ROLES, order=60),
]


def desk_today(request) -> dict | None:
    """Today's appointments and walk-in queue at the location the digihelper works at."""
    location = desk_location(request)
    if location is None:
        return None
    return {
        "location": location,
        **selectors.day_view(location=location, day=timezone.localdate()),
    }


def referrer_upcoming(request) -> dict | None:
    rows = selectors.upcoming_sessions(
        digibank=request.digibank,
        until=timezone.now() + dt.timedelta(days=60),
        published_only=True,
    )
    return {"rows": [r for r in rows if r["free"] is None or r["free"] > 0][:8]}


def visitor_plans(request, visitor) -> dict | None:
    return selectors.visitor_plans(visitor=visitor)


HOME_PANELS = [
    HomePanel("sessions_app/panels/desk_today.html", DESK_ROLES, desk_today, order=20),
    HomePanel(
        "sessions_app/panels/referrer_upcoming.html",
        frozenset({"referrer"}),
        referrer_upcoming,
        order=20,
    ),
]

VISITOR_PANELS = [
    VisitorPanel("sessions_app/panels/visitor_plans.html", DESK_ROLES, visitor_plans, order=30),
]
