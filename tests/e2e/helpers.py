"""What a walkthrough does on a page: log in, check accessibility, move by keyboard."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from digibank.totp import totp_code
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def nl(message: str, **values) -> str:
    """`message` as the Dutch page shows it."""
    with translation.override("nl-be"):
        text = gettext(message)
    return text % values if values else text


def assert_accessible(page: Page) -> None:
    """axe-core with the WCAG 2.1 A and AA rules finds nothing on the page as it is now."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['html'][:160]}")
                if node.get("failureSummary"):
                    lines.append("      " + node["failureSummary"].replace("\n", " ")[:300])
        raise AssertionError("\n".join(lines))


def submit(page: Page, form_selector: str = "main form") -> None:
    """Click the submit button of the (first) form matching `form_selector`."""
    page.locator(form_selector).first.locator("button[type=submit]").first.click()
    page.wait_for_load_state()


def log_in(
    page: Page,
    user,
    *,
    password: str = TEST_PASSWORD,
    totp_secret: str | None = TEST_TOTP_SECRET,
    check_accessibility: bool = True,
) -> None:
    """Log in through the real login form; answer the two-factor step when it comes."""
    page.goto("/accounts/login/")
    if check_accessibility:
        assert_accessible(page)
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()
    if page.url.endswith("/accounts/2fa/authenticate/"):
        if check_accessibility:
            assert_accessible(page)
        assert totp_secret, f"{user.email} is asked for a two-factor code"
        page.locator("input[name=code]").fill(totp_code(totp_secret))
        page.locator("input[name=code]").press("Enter")
        page.wait_for_load_state()
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(1)


def tab_to(page: Page, selector: str, *, max_presses: int = 60, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab when `backwards`) until the element matching `selector` has the
    focus, which must be visible."""
    for _ in range(max_presses):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            assert_focus_visible(page)
            return
    raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")


def assert_focus_visible(page: Page) -> None:
    """The focused element shows a focus indicator (outline or box shadow)."""
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                shadow: s.boxShadow}; }"""
    )
    visible = (style["outline"] != "none" and style["width"] > 0) or style["shadow"] != "none"
    assert visible, f"no visible focus on {page.evaluate('document.activeElement.outerHTML')}"


def choose_desk_location(page: Page, name: str) -> None:
    """On the home page, pick where the digihelper works today."""
    page.goto("/")
    page.locator("#desk-location").select_option(label=name)
    submit(page, "form:has(#desk-location)")
    expect(page.locator(".message-success")).to_contain_text(name)
