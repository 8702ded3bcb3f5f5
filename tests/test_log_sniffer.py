"""The suite-wide log check catches a NIK: it is a real check, not decoration."""

from __future__ import annotations

import logging

from tests import conftest


def test_sniffer_flags_a_nik_and_not_a_masked_one() -> None:
    sniffer = conftest._NikSniffer()
    logger = logging.getLogger("tests.sniffer")
    logger.addHandler(sniffer)
    logger.propagate = False  # the suite-wide sniffer must not see these planted records
    try:
        logger.warning("resident %s", "537104******0001")
        assert sniffer.offending == []
        logger.warning("resident", extra={"nik": "5371044108900001"})
        assert len(sniffer.offending) == 1
        logger.warning("request", extra={"request_id": "c8627ec14aa6496984486441593eb175"})
        assert len(sniffer.offending) == 1
    finally:
        logger.removeHandler(sniffer)
