"""The suite-wide log check catches a NIK: it is a real check, not decoration."""

from __future__ import annotations

import logging

from tests import conftest


def test_sniffer_flags_a_nik_and_not_a_masked_one() -> None:
    sniffer = conftest._NikSniffer()
    logger = logging.getLogger("tests.sniffer")
    logger.addHandler(sniffer)
    try:
        logger.warning("resident %s", "537104******0001")
        assert sniffer.offending == []
        logger.warning("resident", extra={"nik": "5371044108900001"})
        assert len(sniffer.offending) == 1
    finally:
        logger.removeHandler(sniffer)
