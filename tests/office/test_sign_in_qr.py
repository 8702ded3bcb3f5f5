"""Signing in from the QR code on a key's printout: the sign-in page loads one script of
its own (no inline script, CSP `script-src 'self'`), every other page keeps a policy with no
script at all, and the script reads the key from the URL's fragment only."""

from __future__ import annotations

import re

from tests.office.helpers import sign_in

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_SCRIPT_SRC = re.compile(r'<script src="([^"]+)"', re.IGNORECASE)


def _directives(csp: str) -> dict[str, str]:
    return {d.split()[0]: d.strip() for d in csp.split(";") if d.strip()}


def test_the_sign_in_page_loads_its_own_script_and_no_inline_one(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/office/sign-in")
    assert page.status_code == 200
    assert _SCRIPT_SRC.findall(page.text) == ["/office/sign-in.js"]
    assert not _INLINE_SCRIPT.search(page.text)
    csp = _directives(page.headers["content-security-policy"])
    assert csp["script-src"] == "script-src 'self'"
    assert csp["default-src"] == "default-src 'none'"
    assert "frame-ancestors 'none'" in csp.values()
    assert page.headers["referrer-policy"] == "no-referrer"
    # Hidden until the script fills the form from a QR code.
    assert re.search(r'id="key_from_qr"[^>]*\bhidden\b', page.text)


def test_the_script_is_served_from_the_package_as_javascript(client) -> None:  # type: ignore[no-untyped-def]
    script = client.get("/office/sign-in.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["x-content-type-options"] == "nosniff"
    # The key comes from the fragment, is taken out of the address bar, and the form is not
    # sent by the script (a link from someone else signs nobody in).
    assert "window.location.hash" in script.text
    assert "history.replaceState" in script.text
    assert 'getElementById("api_key")' in script.text
    assert ".submit(" not in script.text and ".click(" not in script.text


def test_other_office_pages_still_run_no_script(client, keys) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, keys.operator)
    for url in ("/office/", "/office/letters", "/office/residents"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<script" not in page.text, url
        assert "script-src" not in page.headers["content-security-policy"], url
