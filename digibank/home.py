"""Home page panels. Each app declares `HOME_PANELS` in its `nav.py`; the home page shows the
panels of the user's role, in order. A panel's `context` returns None to hide itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.http import HttpRequest

from digibank.access import current_role
from digibank.navigation import NAV_APPS


@dataclass(frozen=True)
class HomePanel:
    template: str
    roles: frozenset[str]
    context: Callable[[HttpRequest], dict | None]
    order: int = 50


def panels_for(request: HttpRequest) -> list[dict]:
    role = current_role(request)
    panels: list[HomePanel] = []
    for app in NAV_APPS:
        try:
            module = import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        panels.extend(p for p in getattr(module, "HOME_PANELS", []) if role in p.roles)
    rendered = []
    for panel in sorted(panels, key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered
