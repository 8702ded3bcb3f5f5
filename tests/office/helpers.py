"""Signing in to the office pages with a TestClient, and reading their forms."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def secret_of(headers: dict[str, str]) -> str:
    """The API key inside a `keys` fixture's Bearer header."""
    return headers["Authorization"].removeprefix("Bearer ")


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found, html[:2000]
    return found[1]


def sign_in(client: TestClient, headers: dict[str, str]) -> str:
    """Sign the client in with the key; returns the session's CSRF token."""
    form = client.get("/office/sign-in")
    response = client.post(
        "/office/sign-in",
        data={"api_key": secret_of(headers), "csrf": csrf_in(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    today = client.get("/office/")
    assert today.status_code == 200, today.text
    return csrf_in(today.text)


def post(client: TestClient, url: str, csrf: str, **data: Any) -> Any:
    """POST an office form with the CSRF token, without following the redirect."""
    return client.post(url, data={"csrf": csrf, **data}, follow_redirects=False)
