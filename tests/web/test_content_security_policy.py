"""A Content-Security-Policy on every page: scripts only from our own files. The pages keep
working under it (checked in Chromium), and no template carries an inline script."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.browser import shot

TEMPLATES = Path(__file__).resolve().parents[2] / "tousu"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/portal/", "/portal/submit/", "/accounts/login/", "/api/docs",
                                 "/staff/", "/api/cases"])
def test_every_page_has_the_policy(hotel, url):
    client = Client()
    client.force_login(hotel.frontdesk)
    response = client.get(url)
    directives = policy(response)
    assert directives["script-src"] == "script-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "default-src 'self'" in directives["default-src"]


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
                  for pattern in (INLINE_SCRIPT, HANDLER) for m in pattern.finditer(text)]
    assert found == []


def _watch(page) -> list[str]:
    """What the page refuses under the policy, and its script errors."""
    problems = []
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_the_pages_work_under_the_policy(live_server, page, hotel):
    problems = _watch(page)
    # The language switch submits itself (it did so through an inline handler).
    page.goto(live_server.url + "/accounts/login/")
    page.select_option("#lang", "en")
    page.wait_for_selector("text=Log in")
    assert page.locator("html").get_attribute("lang") == "en"
    # A refused complaint puts the focus on the summary of what to correct.
    page.goto(live_server.url + "/portal/submit/")
    page.click("form.portal-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    # The API's documentation draws its operations.
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    shot(page, "api-docs-under-csp")
    assert problems == []
