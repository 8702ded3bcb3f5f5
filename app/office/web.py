"""The frame of the office pages: language, the signed-in user, CSRF, page rendering, and
errors turned into pages (never problem+json) by the router's route class."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from app.config import Settings
from app.db import session_scope
from app.domain.messages import CodedError, Message
from app.errors import (
    DomainError,
    InvalidInput,
    PayloadTooLarge,
    clean_validation_msg,
    problem_text,
)
from app.office import sessions
from app.office.texts import LANGS, Lang, text, value_label
from app.web import HTML_SECURITY_HEADERS, templates

PREFIX = "/office"
LANG_COOKIE = "lang"
# Before sign-in there is no session to hold a CSRF token: the sign-in form's token is
# also in this cookie (double submit), so another site cannot sign a browser in.
PRE_COOKIE = "skk_office_pre"


class SignInRequired(Exception):
    """No valid session: the browser goes to the sign-in page."""

    def __init__(self, ended: bool) -> None:
        self.ended = ended


class CsrfRefused(Exception):
    """A POST without the session's CSRF token."""


def lang_of(request: Request) -> Lang:
    """The page's language: `?lang=`, else the `lang` cookie, else Indonesian."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGS:
            return value  # type: ignore[return-value]
    return "id"


def is_https(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return request.url.scheme == "https" or settings.public_base_url.startswith("https://")


# The signed-in user: the key's principal and the session's CSRF token.
OfficeUser = sessions.Signed


def db(request: Request) -> Any:
    """A unit of work on the application's database (commit at the end, rollback on error)."""
    return session_scope(request.app.state.sessionmaker)


def signed_in(request: Request) -> OfficeUser:
    """The signed-in user behind the `skk_office` cookie; otherwise to the sign-in page."""
    session_id = request.cookies.get(sessions.COOKIE)
    if not session_id:
        raise SignInRequired(ended=False)
    settings: Settings = request.app.state.settings
    with db(request) as session:
        found = sessions.current(
            session, session_id=session_id, idle=timedelta(minutes=settings.office_idle_minutes)
        )
    if found is None:
        raise SignInRequired(ended=True)
    request.state.principal = found.principal
    return found


User = Annotated[OfficeUser, Depends(signed_in)]


# A form is small; the largest is a photo upload. Larger bodies are refused before parsing.
_FORM_OVERHEAD = 64 * 1024


async def csrf_checked(request: Request, user: User) -> OfficeUser:
    """The user, once the POSTed form carries their session's CSRF token (403 otherwise)."""
    settings: Settings = request.app.state.settings
    limit = settings.photo_max_bytes + _FORM_OVERHEAD
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > limit:
        raise PayloadTooLarge(
            problem_text("payload_too_large.form", limit=limit),
            code="payload_too_large",
        )
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, user.csrf_token):
        raise CsrfRefused()
    return user


Checked = Annotated[OfficeUser, Depends(csrf_checked)]


def new_pre_token() -> str:
    return secrets.token_urlsafe(24)


def pre_token_ok(request: Request, sent: str) -> bool:
    cookie = request.cookies.get(PRE_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, sent)


def render(
    request: Request,
    template: str,
    *,
    user: OfficeUser | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page with the public pages' security headers, in the request's language."""
    lang = lang_of(request)

    def t(key: str, **params: Any) -> str:
        said = text(key, lang)
        return said.format(**params) if params else said

    response = templates.TemplateResponse(
        request,
        f"office/{template}",
        {
            "lang": lang,
            "t": t,
            "v": lambda value: value_label(str(value), lang),
            "user": user,
            "csrf": user.csrf_token if user else "",
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
        headers=HTML_SECURITY_HEADERS,
    )
    if request.query_params.get("lang") in LANGS:
        set_cookie(request, response, LANG_COOKIE, lang, http_only=False, max_age=365 * 86400)
    return response


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    http_only: bool = True,
    max_age: int | None = None,
) -> None:
    """A cookie for the office pages only: SameSite=Strict, Secure behind TLS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PREFIX,
        secure=is_https(request),
        httponly=http_only,
        samesite="strict",
    )


def redirect(url: str) -> RedirectResponse:
    """After a POST: the browser GETs the result (a reload does not repeat the action)."""
    return RedirectResponse(url, status_code=303, headers=HTML_SECURITY_HEADERS)


def said(exc: DomainError, lang: Lang) -> str:
    """The sentence the API gives for this refusal, in the page's language where it has both."""
    return exc.message.text(lang)


def field_of(exc: DomainError) -> str | None:
    """The form field a refusal concerns (its first `errors` entry), if it names one."""
    for error in exc.extra.get("errors") or []:
        loc = error.get("loc") if isinstance(error, dict) else None
        if loc and len(loc) > 1 and loc[0] == "body":
            return str(loc[1])
    return None


def _said_in(text: str) -> Message:
    """A sentence already written in the page's language, as the one text of a Message."""
    if not text:
        return problem_text("validation_error")
    return Message(code="validation_error", id=text, en=text)


def validation_messages(
    exc: ValidationError | RequestValidationError, lang: Lang
) -> dict[str, str]:
    """Pydantic's errors per form field, a NIK or KK sentence in the page's language."""
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = [p for p in error.get("loc") or () if p not in ("body", "query", "path")]
        field = str(loc[0]) if loc else ""
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, CodedError):
            msg = cause.message.as_dict()[lang]
        else:
            msg = clean_validation_msg(str(error.get("msg", "")))
        out.setdefault(field, msg)
    return out


class Refused:
    """A refusal collected for the page: a sentence per form field ("" for the form as a
    whole) and the API's code."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.code: str | None = None

    def __bool__(self) -> bool:
        return bool(self.fields)


@contextmanager
def refusals(lang: Lang) -> Iterator[Refused]:
    """Collects a domain refusal or a validation failure instead of raising, so the page can
    show each sentence next to its field. Not found and unauthorised still raise (a page of
    their own)."""
    refused = Refused()
    try:
        yield refused
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        refused.code = exc.code
        refused.fields[field_of(exc) or ""] = said(exc, lang)
    except ValidationError as exc:
        refused.code = "validation_error"
        refused.fields.update(validation_messages(exc, lang))


def _error_page(request: Request, exc: Exception) -> Response:
    lang = lang_of(request)
    if isinstance(exc, SignInRequired):
        target = f"{PREFIX}/sign-in" + ("?ended=1" if exc.ended else "")
        response: Response = redirect(target)
        if exc.ended:
            response.delete_cookie(sessions.COOKIE, path=PREFIX)
        return response
    if isinstance(exc, CsrfRefused):
        return render(
            request,
            "error.html",
            status_code=403,
            title=text("csrf_title", lang),
            message=text("csrf_text", lang),
        )
    assert isinstance(exc, DomainError)
    title = {404: "not_found_title", 403: "forbidden_title"}.get(exc.status, "error_title")
    return render(
        request,
        "error.html",
        status_code=exc.status,
        title=text(title, lang),
        message=said(exc, lang),
    )


class OfficeRoute(APIRoute):
    """Office routes answer errors with pages: a sign-in redirect, a 403 CSRF page, or the
    refusal's sentence with its status (404 for another kelurahan's resident, as the API)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (SignInRequired, CsrfRefused, DomainError) as exc:
                return _error_page(request, exc)
            except RequestValidationError as exc:
                # A field longer than any form sends, or a query the page never builds.
                fields = validation_messages(exc, lang_of(request))
                return _error_page(
                    request,
                    InvalidInput(_said_in("; ".join(f"{k}: {v}" for k, v in fields.items()))),
                )

        return handle
