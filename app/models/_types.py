"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumColumn(TypeDecorator[E], Generic[E]):
    """A StrEnum stored as its value in a plain VARCHAR(length): the same schema as String,
    so no migration. Binds a member or its value (anything else is refused); loads a member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum
        # A member hashes and compares as its value, so one dict serves both on bind.
        self._members: dict[str, E] = {member.value: member for member in enum}

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return self._members[value].value
        except KeyError:
            raise ValueError(f"{value!r} is not a {self.enum.__name__}") from None

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        if value is None:
            return None
        return self._members[value]

    @property
    def python_type(self) -> type[E]:
        return self.enum


def utcnow() -> datetime:
    """Now, in UTC, aware."""
    return datetime.now(UTC)
