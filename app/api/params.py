"""HTTP input parsed at the edge: a NIK or a letter id from the URL becomes a value the
services can trust, or a 4xx that names where the bad value was."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from starlette.convertors import Convertor, register_url_convertor

from app.domain.nik import NikError, normalize_nik
from app.errors import InvalidInput, NotFound, field_error, problem_text


class ResidentKeyConvertor(Convertor[str]):
    """`{nik:nik}`: a path segment naming a resident, never one of the fixed sub-paths of
    /residents (import, export). The order in which routers are included then does not
    decide which route answers."""

    regex = r"(?!(?:import|export)(?:/|$))[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


# Registered on import: the resident routes of residents.py and letters.py use `{nik:nik}`.
register_url_convertor("nik", ResidentKeyConvertor())


def parse_nik(raw: str, *, where: str) -> str:
    """A NIK from the URL, normalised (separators removed); 422 naming `where` otherwise."""
    try:
        return normalize_nik(raw)
    except NikError as exc:
        raise InvalidInput(
            problem_text(
                "validation_error.nik", where=problem_text(f"where.{where}"), reason=exc.message
            ),
            errors=[
                {
                    **field_error([where, "nik"], exc.message),
                    "code": exc.message.code,
                    "messages": exc.message.as_dict(),
                }
            ],
        ) from exc


async def _nik_in_path(
    nik: Annotated[
        str,
        Path(description="The resident's NIK (separators allowed)", examples=["5371044108900001"]),
    ],
) -> str:
    return parse_nik(nik, where="path")


async def _nik_in_query(
    nik: Annotated[str | None, Query(description="The holder's NIK")] = None,
) -> str | None:
    return parse_nik(nik, where="query") if nik else None


async def _letter_id_in_path(
    letter_id: Annotated[str, Path(description="The letter's id (a UUID)")],
) -> uuid.UUID:
    try:
        return uuid.UUID(letter_id)
    except ValueError:
        # Anything that is not a UUID is simply a letter that does not exist.
        raise NotFound(problem_text("letter_not_found"), code="letter_not_found") from None


NikPath = Annotated[str, Depends(_nik_in_path)]
NikQuery = Annotated[str | None, Depends(_nik_in_query)]
LetterIdPath = Annotated[uuid.UUID, Depends(_letter_id_in_path)]


_DECLARED_QUERY: dict[int, frozenset[str]] = {}


def _query_aliases(dependant: Any) -> Iterator[str]:
    # The route's own query parameters and those of every dependency it uses (filters).
    for param in dependant.query_params:
        yield param.alias
    for sub in dependant.dependencies:
        yield from _query_aliases(sub)


def _declared_query(route: object) -> frozenset[str]:
    names = _DECLARED_QUERY.get(id(route))
    if names is None:
        names = frozenset(_query_aliases(route.dependant))  # type: ignore[attr-defined]
        _DECLARED_QUERY[id(route)] = names
    return names


async def no_unknown_query(request: Request) -> None:
    """422 for a query parameter a GET route does not take: `?parent_code=` on a list would
    otherwise be ignored silently and answer a different list than the caller meant."""
    route = request.scope.get("route")
    if request.method != "GET" or route is None or not request.query_params:
        return
    unknown = sorted(set(request.query_params) - _declared_query(route))
    if unknown:
        allowed = ", ".join(sorted(_declared_query(route))) or problem_text("thing.none")
        raise InvalidInput(
            problem_text("unknown_query_parameter", name=unknown[0][:40], allowed=allowed),
            code="unknown_query_parameter",
            errors=[
                field_error(["query", name[:40]], problem_text("field.unknown_query_parameter"))
                for name in unknown[:10]
            ],
        )
