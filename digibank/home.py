"""Panels other apps add to a page. Each app declares in its `nav.py`:

- `HOME_PANELS = [HomePanel(...)]`: shown on the home page of the user's role;
  `context(request)` returns a dict, or None to hide the panel.
- `VISITOR_PANELS = [VisitorPanel(...)]`: shown on a visitor's page (e.g. open loans, sign-ups);
  `context(request, visitor)` returns a dict, or None to hide the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.http import HttpRequest

from digibank.access import current_role
from digibank.navigation import NAV_APPS


@dataclass(frozen=True)
class HomePanel:
    template: str
    roles: frozenset[str]
    context: Callable[[HttpRequest], dict | None]
    order: int = 50


@dataclass(frozen=True)
class VisitorPanel:
    template: str
    roles: frozenset[str]
    context: Callable[[HttpRequest, Any], dict | None]
    order: int = 50


def _declared(name: str, role: str | None) -> list:
    panels = []
    for app in NAV_APPS:
        try:
            module = import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        panels.extend(p for p in getattr(module, name, []) if role in p.roles)
    return sorted(panels, key=lambda p: p.order)


def panels_for(request: HttpRequest) -> list[dict]:
    rendered = []
    for panel in _declared("HOME_PANELS", current_role(request)):
        context = panel.context(request)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered


def visitor_panels_for(request: HttpRequest, visitor: Any) -> list[dict]:
    """Render: `{% for p in panels %}{% include p.template with panel=p.context %}{% endfor %}`"""
    rendered = []
    for panel in _declared("VISITOR_PANELS", current_role(request)):
        context = panel.context(request, visitor)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered
