"""ISO 3166-1 countries: a WNA's nationality is stored as its alpha-2 code."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry

__all__ = ["country_name_id", "is_country"]


def is_country(code: str) -> bool:
    """Tell whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case)."""
    return len(code) == 2 and code.isascii() and code.isupper() and _name_en(code) is not None


@lru_cache(maxsize=512)
def _name_en(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    # The common name where the official one is long ("Bolivia", not "Bolivia,
    # Plurinational State of").
    return str(getattr(country, "common_name", None) or country.name)


@lru_cache(maxsize=1)
def _indonesian() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    except OSError:  # a packaging without the translations still prints the English name
        return gettext.NullTranslations()


# Where the translation catalogue is not what an Indonesian official writes: "Timor Timur" is
# the former province, the neighbouring state is "Timor Leste".
_NAME_ID_OVERRIDES = {"TL": "Timor Leste"}


@lru_cache(maxsize=512)
def country_name_id(code: str) -> str:
    """The country's name in Indonesian (English where no translation exists), or the code."""
    if code in _NAME_ID_OVERRIDES:
        return _NAME_ID_OVERRIDES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    for name in (getattr(country, "common_name", None), country.name):
        if name:
            translated = _indonesian().gettext(name)
            if translated != name or name == country.name:
                return translated
    return str(country.name)
