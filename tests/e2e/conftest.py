"""Browser walkthroughs: Playwright (sync API) driving Debian's Chromium against a live server.

- The app runs in pytest-django's `live_server` (a thread of this process, on the PostgreSQL
  test database, static files served); data is committed (`transactional_db`) and the data
  seeded by migrations is restored for every test (`django_db_serialized_rollback`).
- Chromium is the system's `/usr/bin/chromium` (`apt-get install chromium`); no browser is
  ever downloaded. Override with E2E_CHROMIUM.
- On failure a screenshot and the HTML of every open page land in `test-artifacts/e2e/`
  (override with E2E_ARTIFACTS_DIR); CI keeps that folder.
- Any Content-Security-Policy violation or JavaScript error on a page fails the test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django would then refuse database
# access from the test body ("async context"). The test body is plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
TABLET = {"width": 1024, "height": 768}
DESKTOP = {"width": 1920, "height": 1080}
VIEWPORTS = [pytest.param(TABLET, id="1024x768"), pytest.param(DESKTOP, id="1920x1080")]


def artifacts_dir() -> Path:
    return Path(os.environ.get("E2E_ARTIFACTS_DIR", settings.BASE_DIR / "test-artifacts" / "e2e"))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium); "
            f"the browser tests never download one",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def viewport(request) -> dict[str, int]:
    """1024x768 (a tablet at the desk) unless a test parametrizes it over VIEWPORTS."""
    return getattr(request, "param", TABLET)


class PageProblems:
    """JavaScript errors and CSP violations seen on the pages of one test."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.messages.append(f"JS error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" and (
            "Content Security Policy" in text or "Content-Security-Policy" in text
        ):
            self.messages.append(f"CSP violation: {text}")


@pytest.fixture
def new_page(
    request, browser, live_server, viewport, django_db_serialized_rollback
) -> Iterator[Callable[[], Page]]:
    """Open a page in a fresh browser context (its own cookies: another person)."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    problems = PageProblems()

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="nl-BE",
            timezone_id=settings.TIME_ZONE,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        pages.append(page)
        return page

    open_page.problems = problems  # type: ignore[attr-defined]
    yield open_page

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = artifacts_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        for number, page in enumerate(pages):
            if page.is_closed():
                continue
            try:
                page.screenshot(path=str(folder / f"{stem}-{number}.png"), full_page=True)
                (folder / f"{stem}-{number}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:
                print(f"could not save the page: {error}")
    for context in contexts:
        context.close()
    if report is not None and report.passed:
        assert not problems.messages, "\n".join(problems.messages)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real password hashes cost about a second each; the walkthroughs make and check many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _seeded_data_stays(django_db_blocker):
    """A walkthrough ends with a flush of the whole database. Put the migrations' seed data
    back afterwards, so that tests run later on a reused database (`--reuse-db`) find it."""
    yield
    with django_db_blocker.unblock():
        _restore_seeded_help_categories()


@pytest.fixture
def seeded_digibank(transactional_db):
    """A digibank made the way the app makes one (target groups, consent text, themes, lending
    defaults from every app's hook), with two locations and a referring organisation."""
    import datetime as dt

    from digibank.models import Location
    from digibank.services import digibank_create
    from tests.factories import LocationFactory, OrganisationFactory

    _restore_seeded_help_categories()
    digibank = digibank_create(
        slug="tienen",
        name="Digibank Tienen",
        start_date=dt.date(2024, 1, 1),
        municipalities=["Tienen"],
    )
    LocationFactory(digibank=digibank, name="Bibliotheek Tienen", municipality="Tienen")
    LocationFactory(
        digibank=digibank, name="Digipunt OCMW", kind=Location.Kind.MOBILE, municipality="Tienen"
    )
    OrganisationFactory(digibank=digibank, name="OCMW Tienen", is_referrer=True)
    return digibank


def _restore_seeded_help_categories() -> None:
    """The help categories come from a data migration. `--reuse-db` serialises the test database
    as an earlier transactional run left it (flushed), so put them back when they are missing."""
    import importlib

    from django.apps import apps

    from registration.models import HelpCategory

    if not HelpCategory.objects.exists():
        importlib.import_module("registration.migrations.0002_help_categories").seed(apps, None)
