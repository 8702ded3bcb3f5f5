"""HTTP input parsed at the edge: a NIK or a letter id from the URL becomes a value the
services can trust, or a 4xx that names where the bad value was."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query
from starlette.convertors import Convertor, register_url_convertor

from app.domain.nik import NikError, normalize_nik
from app.errors import InvalidInput, NotFound, field_error


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
            f"NIK in the {where}: {exc}",
            errors=[
                {
                    **field_error([where, "nik"], str(exc)),
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
        raise NotFound("no letter with this id", code="letter_not_found") from None


NikPath = Annotated[str, Depends(_nik_in_path)]
NikQuery = Annotated[str | None, Depends(_nik_in_query)]
LetterIdPath = Annotated[uuid.UUID, Depends(_letter_id_in_path)]
