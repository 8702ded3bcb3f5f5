"""The process runs on the office's clock: `date.today()` is the office's date."""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.config import Settings, use_office_clock


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Makassar"])
def test_today_is_the_offices_date(zone: str) -> None:
    before = os.environ.get("TZ")
    try:
        use_office_clock(Settings(office_timezone=zone, _env_file=None))  # type: ignore[call-arg]
        # UTC+14 and UTC-11: at most hours apart, these two zones never share a date with UTC
        # for long, so a process on the host's clock would disagree here most of the day.
        assert date.today() == datetime.now(ZoneInfo(zone)).date()
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        Settings(office_timezone="Mars/Olympus", _env_file=None)  # type: ignore[call-arg]
