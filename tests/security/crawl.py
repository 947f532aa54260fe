"""Helpers to walk every page as a member and count what the database holds."""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve

from tests.htmlforms import Form, parse_forms
from tests.security.inventory import Route, World, project_app_labels, routes

# Forms in the page header that change the session, not data: not worth filling in.
HEADER_FORM_URL_NAMES = frozenset({"set_language", "account_logout", "digibank:switch_digibank"})
# Tables that legitimately grow on any request (audit rows). Django's sessions, the cache
# and allauth's rate limits are not ours, so `row_counts` never looks at them.
NOT_DATA = frozenset({"digibank.auditlogentry"})


def readable_text(response) -> str:
    """What a person reads in a response: the page, or the text of a downloaded XLSX, PDF or
    CSV file (a spreadsheet is a zip: its bytes never show a name as such)."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "pdf" in content_type:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
    return raw.decode(errors="replace")


def row_counts() -> dict[str, int]:
    labels = project_app_labels()
    return {
        model._meta.label_lower: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and model._meta.label_lower not in NOT_DATA
    }


def pages(world: World, client: Client, *, public: bool = False) -> Iterator[tuple[Route, str]]:
    """(route, html) for every page of ours that answers a GET with 200."""
    for route in routes():
        if route.public != public or not route.is_project_view:
            continue
        url = world.url(route)
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            yield route, response.content.decode()


def data_forms(html: str, page_url: str) -> Iterator[tuple[Form, str]]:
    """(form, url it posts to) for each POST form on the page, header forms left out."""
    for form in parse_forms(html):
        if form.method != "post":
            continue
        target = form.action or page_url
        try:
            match = resolve(target.split("?")[0])
        except Resolver404:
            continue
        if match.view_name in HEADER_FORM_URL_NAMES:
            continue
        yield form, target
