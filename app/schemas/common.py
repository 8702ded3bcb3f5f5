"""Shared enums, constrained types and the page envelope."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from app.data import known_regencies
from app.domain.countries import is_country
from app.domain.kk import parse_kk
from app.domain.messages import CodedError
from app.domain.nik import parse_nik
from app.domain.people import ResidencyStatus as ResidencyStatus  # re-exported
from app.domain.text import clean_line
from app.problem_texts import problem_text
from app.schemas import examples

T = TypeVar("T")


class Sex(StrEnum):
    laki_laki = "laki_laki"
    perempuan = "perempuan"


class BloodType(StrEnum):
    A = "A"
    B = "B"
    AB = "AB"
    O = "O"  # noqa: E741
    A_pos = "A+"
    A_neg = "A-"
    B_pos = "B+"
    B_neg = "B-"
    AB_pos = "AB+"
    AB_neg = "AB-"
    O_pos = "O+"
    O_neg = "O-"
    tidak_tahu = "tidak_tahu"


class Religion(StrEnum):
    islam = "islam"
    kristen = "kristen"
    katolik = "katolik"
    hindu = "hindu"
    buddha = "buddha"
    khonghucu = "khonghucu"
    kepercayaan = "kepercayaan"


class MaritalStatus(StrEnum):
    belum_kawin = "belum_kawin"
    kawin = "kawin"
    cerai_hidup = "cerai_hidup"
    cerai_mati = "cerai_mati"


class Citizenship(StrEnum):
    WNI = "WNI"
    WNA = "WNA"


class Role(StrEnum):
    admin = "admin"
    operator = "operator"
    kelurahan = "kelurahan"
    auditor = "auditor"


def _nik(value: str) -> str:
    return parse_nik(value, known_regencies=known_regencies()).nik


def _kk(value: str) -> str:
    return parse_kk(value, known_regencies=known_regencies())


_KELURAHAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


def _kelurahan_code(value: str) -> str:
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) == 10:
        value = f"{value[:2]}.{value[2:4]}.{value[4:6]}.{value[6:]}"
    if not _KELURAHAN_CODE.match(value):
        raise CodedError(problem_text("field.kelurahan_code_format"))
    return value


def _rt_rw(value: str | int) -> str:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= len(text) <= 3 or int(text) == 0:
        raise CodedError(problem_text("field.rt_rw"))
    return text.zfill(3)


def _nationality(value: str) -> str:
    code = value.strip().upper()
    if not is_country(code):
        raise CodedError(problem_text("field.nationality_code"))
    return code


def _not_future(value: date) -> date:
    if value > date.today():
        raise CodedError(problem_text("field.not_in_future"))
    return value


Nik = Annotated[str, AfterValidator(_nik), Field(examples=["5371044108900001"])]
KkNumber = Annotated[str, AfterValidator(_kk), Field(examples=["5371041503150003"])]
KelurahanCode = Annotated[str, AfterValidator(_kelurahan_code), Field(examples=["53.71.04.1001"])]
RtRw = Annotated[str, BeforeValidator(_rt_rw), Field(examples=["007"])]
PastDate = Annotated[date, AfterValidator(_not_future)]
Nationality = Annotated[
    str,
    AfterValidator(_nationality),
    Field(examples=["TL"], description="ISO 3166-1 alpha-2 country code; required for a WNA"),
]


def _single_line(value: object) -> object:
    # Before the length check, so the limits count the text as it will be stored.
    return clean_line(value) if isinstance(value, str) else value


# Every free-text field: NFC, one line, no control or invisible format characters (refused
# with a sentence naming the character), runs of spaces made one, trimmed. Each field has its
# own limits; the validator is placed after them so that it runs first and the limits count
# the text as it will be stored. The importer validates through the same models.
ONE_LINE = BeforeValidator(_single_line)
SingleLineText = Annotated[str, ONE_LINE]

# The limits are what the one-page letter holds (tests/api/test_letters.py issues a letter
# with every field at its longest).
PersonName = Annotated[str, StringConstraints(min_length=1, max_length=120), ONE_LINE]
PlaceName = Annotated[str, StringConstraints(min_length=1, max_length=80), ONE_LINE]
Occupation = Annotated[str, StringConstraints(min_length=1, max_length=80), ONE_LINE]
Address = Annotated[str, StringConstraints(min_length=1, max_length=150), ONE_LINE]
Purpose = Annotated[str, StringConstraints(min_length=3, max_length=200), ONE_LINE]
Reason = Annotated[str, StringConstraints(min_length=3, max_length=500), ONE_LINE]
Note = Annotated[str, StringConstraints(max_length=500), ONE_LINE]
KeyName = Annotated[str, StringConstraints(min_length=1, max_length=100), ONE_LINE]
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=120), ONE_LINE]


def _page_example(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """A page of one example item (app.schemas.examples), for Page[ItemModel] in OpenAPI."""
    items = cls.model_fields.get("items")
    args = get_args(items.annotation) if items is not None else ()
    example = examples.PAGE_ITEMS.get(getattr(args[0], "__name__", "")) if args else None
    if example is not None:
        schema["examples"] = [{"items": [example], "next_cursor": examples.NEXT_CURSOR}]


class Page(BaseModel, Generic[T]):
    """A page of a list; pass next_cursor back as `cursor` for the next one."""

    model_config = ConfigDict(json_schema_extra=_page_example)  # type: ignore[typeddict-item]

    items: list[T]
    next_cursor: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details; `title`, `detail` and each `errors[].msg` in the language
    asked for with Accept-Language (`id` or `en`), `messages` holds `detail` in both."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [examples.PROBLEM]})

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    request_id: str | None = None
    errors: list[dict[str, object]] | None = None
    messages: dict[str, str] | None = Field(
        default=None, description='`detail` in Indonesian and English: {"id": ..., "en": ...}'
    )
