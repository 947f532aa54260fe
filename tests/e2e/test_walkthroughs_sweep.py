"""Every page a role reaches from its menu, one click deep, on the demo data passes axe and
can be gone through with Tab alone (visible focus, no trap).

The demo digibank (`seed_demo`) has visitors, loans, workshops and appointments, so the detail
pages show real tables and forms. Links are followed once per URL shape (digits replaced), so
one visitor page stands for all of them."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from digibank.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from digibank.models import User
from tests.e2e.conftest import _restore_seeded_help_categories
from tests.e2e.helpers import assert_accessible, assert_keyboard_cycle, log_in

# Files and actions that are not HTML pages, and pages that log out or switch language.
SKIP = re.compile(r"(\.pdf|\.json|\.csv|\.xlsx|/download/|/accounts/logout/|/i18n/|/admin/)")


@pytest.fixture
def demo(transactional_db):
    _restore_seeded_help_categories()
    call_command("seed_demo", stdout=io.StringIO())


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


@pytest.mark.parametrize(
    "email",
    [
        "coordinator@digibank-demo.be",
        "digihelper@digibank-demo.be",
        "toeleider@digibank-demo.be",
        "departement@digibank-demo.be",
    ],
)
def test_every_page_one_click_from_the_menu_passes_axe(page, demo, email):
    user = User.objects.get(email=email)
    log_in(page, user, password=DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
    menu = page.locator("nav .nav a")
    start = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    seen: set[str] = set()
    failures: list[str] = []
    queue = [(href, True) for href in ["/", *start]]
    while queue:
        href, follow = queue.pop(0)
        path = urlsplit(href).path
        if not path.startswith("/") or SKIP.search(path) or _shape(path) in seen:
            continue
        seen.add(_shape(path))
        response = page.goto(path)
        if response.status >= 500:
            failures.append(f"{path}: answered {response.status}")
            continue
        if response.status != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        try:
            assert_accessible(page)
            assert_keyboard_cycle(page)
        except AssertionError as error:
            failures.append(f"{path}: {error}")
        if follow:
            links = page.locator("main a[href]")
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            queue.extend((h, False) for h in hrefs if h and h.startswith("/"))
    print(f"{email}: {len(seen)} pages checked")
    assert not failures, "\n\n".join(failures)
