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


def test_request_log_masks_a_nik_written_with_separators(client, keys, caplog) -> None:
    import logging as _logging

    with caplog.at_level(_logging.INFO, logger="app.request"):
        client.get("/api/v1/residents/5371.0441.0890.0001", headers=keys.operator)
        client.get("/api/v1/residents/5371%200441%200890%200001", headers=keys.operator)
    paths = [r.path for r in caplog.records if hasattr(r, "path")]
    assert paths and all("0441" not in p and "537104******0001" in p for p in paths), paths
