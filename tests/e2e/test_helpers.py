"""The walkthrough helpers can fail: axe reports a real violation, CSP blocks inline script."""

import pytest

from tests.e2e.helpers import assert_accessible


def test_assert_accessible_lists_the_violations_it_finds(page, live_server):
    page.goto("/accounts/login/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/x.png"><input type="text" name="nolabel">\')'
    )
    with pytest.raises(AssertionError) as raised:
        assert_accessible(page)
    assert "image-alt" in str(raised.value)
    assert "label" in str(raised.value)


def test_the_csp_blocks_inline_script_and_the_test_sees_it(new_page):
    page = new_page()
    page.goto("/accounts/login/")
    page.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s);"
    )
    assert page.evaluate("window.__ran") is None
    page.wait_for_timeout(200)
    assert any("CSP violation" in m for m in new_page.problems.messages)
    new_page.problems.messages.clear()  # expected here; anywhere else it fails the test
