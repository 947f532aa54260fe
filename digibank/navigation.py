"""The navigation per role. Each app declares its own entries in `<app>/nav.py` as
`NAV_ITEMS = [NavItem(...)]`, so the apps do not have to edit one shared list."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from digibank.access import current_role

NAV_APPS = ["digibank", "registration", "sessions_app", "lending", "reporting"]


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int = 50


def _all_items() -> list[NavItem]:
    items: list[NavItem] = []
    for app in NAV_APPS:
        try:
            module = import_module(f"{app}.nav")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "NAV_ITEMS", []))
    return sorted(items, key=lambda item: item.order)


def navigation_for(request: HttpRequest) -> list[dict]:
    role = current_role(request)
    if role is None:
        return []
    entries = []
    for item in _all_items():
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        entries.append({"label": item.label, "url": url, "active": active})
    return entries
