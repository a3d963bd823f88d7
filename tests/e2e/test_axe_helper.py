"""assert_accessible itself: it must fail, readably, when a page breaks a WCAG rule."""

import pytest

from .helpers import assert_accessible

pytestmark = pytest.mark.e2e

BROKEN = """<!DOCTYPE html><html lang="en-GB"><head><title>Broken</title></head><body><main>
<h1>Broken page</h1>
<img src="data:," id="no-alt">
<form><input type="text" id="no-label" name="q"></form>
<p id="faint" style="color:#ccc;background:#fff">Hard to read</p>
</main></body></html>"""

FINE = """<!DOCTYPE html><html lang="en-GB"><head><title>Fine</title></head><body><main>
<h1>Fine page</h1><form><label for="q">Search</label><input type="text" id="q" name="q"></form>
</main></body></html>"""


def test_assert_accessible_lists_each_violation(page):
    page.set_content(FINE)
    assert_accessible(page)

    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "deliberately broken")
    message = str(failure.value)
    assert "accessibility violation(s)" in message and "deliberately broken" in message
    for rule, target in (("image-alt", "#no-alt"), ("label", "#no-label"), ("color-contrast", "#faint")):
        assert f"- {rule} (" in message, message
        assert f"at {target}" in message, message
    assert "https://dequeuniversity.com/rules/axe/" in message
