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
    # axe 4.7+ no longer reports duplicate ids under the WCAG tags; a second id="x" makes a
    # <label for="x"> or aria-describedby point at the wrong field, so it is checked here.
    duplicates = page.evaluate(
        """() => { const seen = {}; for (const el of document.querySelectorAll('[id]'))
        { seen[el.id] = (seen[el.id] || 0) + 1; }
        return Object.keys(seen).filter(id => seen[id] > 1); }"""
    )
    if duplicates:
        violations = [
            *violations,
            {
                "id": "duplicate-id",
                "impact": "serious",
                "help": "ids must be unique: " + ", ".join(duplicates),
                "nodes": [],
            },
        ]
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
        if page.evaluate(
            "() => document.activeElement && document.activeElement !== document.body"
        ):
            assert_focus_visible(page)  # on every stop on the way, not only the last one
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")


def assert_focus_visible(page: Page) -> None:
    """The focused element shows a focus indicator (outline or box shadow)."""
    style = page.evaluate(
        """() => { const el = document.activeElement; const s = getComputedStyle(el);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                shadow: s.boxShadow, focused: el.matches(':focus'), type: el.type}; }"""
    )
    if not style["focused"] and style["type"] in ("date", "time", "datetime-local"):
        return  # on the calendar button inside the field: Chromium draws its own ring there
    visible = (style["outline"] != "none" and style["width"] > 0) or style["shadow"] != "none"
    assert visible, f"no visible focus on {page.evaluate('document.activeElement.outerHTML')}"


def choose_desk_location(page: Page, name: str) -> None:
    """On the home page, pick where the digihelper works today."""
    page.goto("/")
    page.locator("#desk-location").select_option(label=name)
    submit(page, "form:has(#desk-location)")
    expect(page.locator(".message-success")).to_contain_text(name)


def assert_keyboard_cycle(page: Page, *, max_presses: int = 600) -> int:
    """Tab from the top of the page through every control and out of the page again: no
    control keeps the focus (no keyboard trap), each shows a visible focus, and every visible
    control that can take the focus is reached. Returns how many controls were visited.

    Date and time fields take several Tab presses (day, month, year); that is not a trap."""
    expected = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'))
          .filter(el => !el.disabled && el.tabIndex >= 0
                  && el.checkVisibility({visibilityProperty: true})
                  && !(el.closest('details:not([open])') && el.tagName !== 'SUMMARY'))
          .filter((el, i, all) => el.type !== 'radio'
                  || all.findIndex(o => o.type === 'radio' && o.name === el.name) === i)
          .length"""
    )
    # Start before the first control, whatever has the focus now (autofocus, a click).
    page.evaluate(
        """() => { const start = document.createElement('span');
        start.id = 'kbd-start'; start.tabIndex = -1;
        document.body.prepend(start); start.focus(); }"""
    )
    seen: list[str] = []
    repeats = 0
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        key = page.evaluate(
            """() => { const el = document.activeElement;
            if (!el || el === document.body || el.id === 'kbd-start') return null;
            if (!el.dataset.kbd) el.dataset.kbd = String(Math.random());
            return el.dataset.kbd; }"""
        )
        if key is None or (seen and key == seen[0] and len(seen) > 1):
            break  # the focus left the page (to the browser) or came round again
        if seen and key == seen[-1]:
            repeats += 1
            kind = page.evaluate("document.activeElement.type")
            if kind not in ("date", "time", "datetime-local", "month", "week") or repeats > 8:
                html = page.evaluate("document.activeElement.outerHTML")
                raise AssertionError(f"the focus is stuck on {html} on {page.url}")
            continue
        repeats = 0
        assert_focus_visible(page)
        seen.append(key)
    else:
        raise AssertionError(f"Tab never leaves {page.url}: a keyboard trap")
    page.evaluate("document.getElementById('kbd-start')?.remove()")
    unique = len(set(seen))
    assert unique == len(seen), f"the focus visits some controls twice on {page.url}"
    assert unique >= expected, f"only {unique} of {expected} controls reached with Tab"
    return unique
