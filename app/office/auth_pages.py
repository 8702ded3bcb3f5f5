"""Sign in with an API key, sign out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.errors import DomainError
from app.office import sessions
from app.office.texts import text
from app.office.web import (
    PRE_COOKIE,
    PREFIX,
    Checked,
    CsrfRefused,
    OfficeRoute,
    db,
    lang_of,
    new_pre_token,
    pre_token_ok,
    redirect,
    render,
    set_cookie,
)
from app.web import HTML_SECURITY_HEADERS

router = APIRouter(route_class=OfficeRoute)


def _sign_in_page(
    request: Request, *, error: str = "", notice: str = "", status_code: int = 200
) -> Response:
    token = request.cookies.get(PRE_COOKIE) or new_pre_token()
    response = render(
        request,
        "sign_in.html",
        status_code=status_code,
        pre_token=token,
        error=error,
        notice=notice,
    )
    set_cookie(request, response, PRE_COOKIE, token)
    # The one page with a script: a file of our own (below), never an inline one.
    response.headers["Content-Security-Policy"] = SIGN_IN_CSP
    return response


# The public pages' policy, plus scripts from this origin only.
SIGN_IN_CSP = HTML_SECURITY_HEADERS["Content-Security-Policy"] + "; script-src 'self'"
_SIGN_IN_JS = (Path(__file__).parent / "sign_in.js").read_bytes()


@router.get("/sign-in.js")
def sign_in_script() -> Response:
    """Fills the sign-in form from the key in the URL's fragment (the printout's QR code)."""
    return Response(
        _SIGN_IN_JS,
        media_type="text/javascript",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"},
    )


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    lang = lang_of(request)
    notice = ""
    if request.query_params.get("ended"):
        notice = text("session_ended", lang)
    elif request.query_params.get("out"):
        notice = text("signed_out", lang)
    return _sign_in_page(request, notice=notice)


@router.post("/sign-in")
def sign_in(
    request: Request,
    api_key: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    lang = lang_of(request)
    if not pre_token_ok(request, csrf):
        raise CsrfRefused()
    try:
        with db(request) as session:
            session_id, _ = sessions.sign_in(
                session,
                secret=api_key,
                idle=timedelta(minutes=request.app.state.settings.office_idle_minutes),
            )
    except DomainError as exc:
        if exc.status != 401:
            raise
        which = "key_revoked" if exc.code == "revoked_api_key" else "key_unknown"
        return _sign_in_page(request, error=text(which, lang), status_code=401)
    response = redirect(f"{PREFIX}/")
    # The session id only; the key never reaches the browser's storage.
    set_cookie(request, response, sessions.COOKIE, session_id)
    response.delete_cookie(PRE_COOKIE, path=PREFIX)
    return response


@router.post("/sign-out")
def sign_out(request: Request, user: Checked) -> Response:
    with db(request) as session:
        sessions.sign_out(session, session_id=request.cookies.get(sessions.COOKIE, ""))
    response = redirect(f"{PREFIX}/sign-in?out=1")
    response.delete_cookie(sessions.COOKIE, path=PREFIX)
    return response
