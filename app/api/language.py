"""Which language an answer's texts are in: the client's `Accept-Language` (`id` or `en`,
with q-values and region tags such as `en-US`), else the office's SKK_DEFAULT_LANGUAGE."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Request

from app.domain.messages import LANGUAGES
from app.request_context import chosen_language

# A longer header is not a list of languages a person chose; its start is still read.
_MAX_HEADER = 512
_MAX_RANGES = 20

ACCEPT_LANGUAGE_DESCRIPTION = (
    "The language of `detail`, `title` and field-error messages: `id` (Indonesian) or `en` "
    "(English), with q-values and region tags (`en-US,en;q=0.9`). Anything else gets the "
    "office's default (SKK_DEFAULT_LANGUAGE, `id` unless set)."
)


def negotiate(header: str | None, default: str) -> str:
    """The language of LANGUAGES the header prefers most (RFC 9110 q-values; a tie goes to
    the earlier range), or `default` when it names none of them."""
    best, best_q = default, 0.0
    for part in (header or "")[:_MAX_HEADER].split(",")[:_MAX_RANGES]:
        tag, _, params = part.partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if 0.0 < q <= 1.0 and q > best_q:
            best, best_q = primary, q
    return best


def default_language(request: Request) -> str:
    """The office's default language (the setting), `id` when the app has no settings."""
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "default_language", LANGUAGES[0]))


def request_language(request: Request) -> str:
    """The language of this request's answer."""
    return negotiate(request.headers.get("accept-language"), default_language(request))


async def accept_language(
    request: Request,
    accept_language: Annotated[
        str | None,
        Header(
            alias="Accept-Language",
            description=ACCEPT_LANGUAGE_DESCRIPTION,
            examples=["id", "en-US,en;q=0.9"],
        ),
    ] = None,
) -> str:
    """Every API operation's dependency: declares the header in the OpenAPI document and
    keeps the chosen language where the answer's builders read it."""
    language = negotiate(accept_language, default_language(request))
    chosen_language.set(language)
    return language
