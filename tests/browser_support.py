"""Helpers shared by the Playwright modules (the fixtures themselves live in tests/conftest.py)."""

from __future__ import annotations

import functools
import os
import re
import warnings
from pathlib import Path

import pytest
from django.utils import translation

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "partnercenter"

# The windows the browser tests run in: a desktop, the common laptop, a phone.
VIEWPORTS = {
    "desktop": {"width": 1440, "height": 900},
    "laptop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
}

# axe-core comes from npm (package.json at the project root; `make test` runs `npm ci`).
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = f"axe-core is missing at {AXE_JS} (run `npm ci --no-audit --no-fund` or `make test`)"


def sign_in(page, email: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/(customers|admin-center)/"))


@functools.cache
def axe_source() -> str | None:
    return AXE_JS.read_text(encoding="utf-8") if AXE_JS.exists() else None


def require_axe() -> str:
    """The axe-core source; a failure under CI=true, a loud skip elsewhere."""
    source = axe_source()
    if source is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {AXE_MISSING}")
        pytest.skip(f"SKIPPED LOUDLY: {AXE_MISSING}")
    return source


class AxeMissingWarning(UserWarning):
    pass


_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


def axe_violations(page) -> list[dict]:  # noqa: ANN001
    """axe-core's violations on the page as it is now. axe is injected through the DevTools protocol
    (page.evaluate), which the page's Content-Security-Policy (script-src 'self') does not block, so
    the tests keep the real CSP."""
    source = axe_source()
    assert source is not None, AXE_MISSING
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source + "\n;true")
    return page.evaluate(_AXE_RUN)


def assert_accessible(page, state: str = "") -> None:  # noqa: ANN001
    """Fail with the list of axe-core violations of the page state. Without axe-core: a failure under
    CI=true; locally a loud warning (the rest of the browser test still runs)."""
    if axe_source() is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {AXE_MISSING}")
        warnings.warn(f"SKIPPED LOUDLY: accessibility check not run: {AXE_MISSING}", AxeMissingWarning, stacklevel=2)
        return
    page.wait_for_load_state()
    violations = axe_violations(page)
    if violations:
        lines = [f"axe-core found {len(violations)} violation(s) on {page.url}{f' ({state})' if state else ''}:"]
        for v in violations:
            lines.append(f"- {v['id']} [{v['impact']}]: {v['help']}")
            for node in v["nodes"]:
                summary = " ".join(node["summary"].split())
                lines.append(f"    {node['target']}: {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def no_sideways_scroll(page) -> bool:  # noqa: ANN001
    """The page does not scroll sideways (wide tables scroll inside their own container)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def no_table_overflow(page) -> bool:  # noqa: ANN001
    """No table is wider than its scrolling container (.table-responsive): every column is in sight."""
    return page.evaluate("""() => [...document.querySelectorAll('.table-responsive')]
        .every(wrapper => wrapper.scrollWidth <= wrapper.clientWidth + 1)""")


def open_navigation(page) -> None:  # noqa: ANN001
    """Below 1200 px the sidebar is off-canvas: open it from the top bar (no-op when it is visible)."""
    menu = page.locator(".shell-menu-button")
    if menu.is_visible():
        menu.click()
        page.locator("#sidebar.show").wait_for()


def save_screenshot(page, name: str, viewport: str) -> None:  # noqa: ANN001
    """With SCREENSHOT_DIR=/some/dir set, the whole page as <name>-<viewport>.png there (to look at a layout)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}-{viewport}.png", full_page=True)


def check_state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    """One state of a page in a browser test: axe finds nothing, no sideways scroll, and its screenshot
    when SCREENSHOT_DIR is set."""
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


# --- The reader's language (issue 11 and later): labels in German or Hungarian, no English left ----

# The main area's headings, buttons, links and column headers: none may be an English catalog string.
_LABELS = """() => Array.from(document.querySelectorAll(
  'main h1, main h2, main .btn, main a, main button, main th, main label, main .breadcrumb-item'))
  .filter(el => el.offsetParent !== null)
  .map(el => (el.getAttribute('aria-label') || '') + '\\u0001' + el.innerText)"""


def gettext_in(language: str, msgid: str) -> str:
    """msgid in the language, from the project's catalogs."""
    with translation.override(language):
        return translation.gettext(msgid)


@functools.cache
def _catalog(language: str):  # noqa: ANN202
    from tests.test_languages import Catalog

    return Catalog(language)


def no_english(page, language: str, state: str) -> None:  # noqa: ANN001
    """No heading, button, link, label or column header of the main area is an English catalog string."""
    catalog = _catalog(language)
    leftovers = set()
    for item in page.evaluate(_LABELS):
        for text in item.split("\u0001"):
            # Each line of a label on its own (a button's text and its badge, a header and its hint).
            for line in filter(None, (part.strip() for part in text.splitlines())):
                english = catalog.english_in(line)
                if english:
                    leftovers.add(english)
    assert not leftovers, f"English on the {language} page {state}: {sorted(leftovers)}"


def check_translated(page, language: str, viewport: str, state: str, *labels: str) -> None:  # noqa: ANN001
    """One page state in the reader's language: each label (a msgid) shows in main translated (in English
    as it is), no English is left (not for "en"), and check_state (axe, no sideways scroll, screenshot)."""
    from playwright.sync_api import expect

    for msgid in labels:
        word = gettext_in(language, msgid)
        if language != "en":
            assert word != msgid, f"{msgid!r} has no {language} translation"
        expect(page.locator("main").get_by_text(word, exact=True).first).to_be_visible()
    if language != "en":
        no_english(page, language, state)
    check_state(page, viewport, f"{state}-{language}")


def sign_in_any_language(page, email: str, landing: str = r"/(customers|admin-center)/") -> None:  # noqa: ANN001
    """Sign in through the form's fields and submit button (not their English labels)."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(landing))
