"""The public statistics page laid out by headless Chromium: its nine-column tables fit a
1280 px desktop whole, and a tablet or phone scrolls them inside their box instead of cutting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.db import make_engine, make_sessionmaker, session_scope
from app.services.demo_loader import load_demo
from tests.browser.devtools import CHROMIUM, Page, chromium_page
from tests.servers import free_port, initialised_settings, serving

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (CI installs it with `apt-get install chromium`)",
)

# Per table box: its width, the table's laid-out width, how it overflows, and any cell whose
# text is wider than the cell (a cut column).
MEASURE = """
(() => {
  const page = document.documentElement;
  return {
    page: [page.scrollWidth, window.innerWidth],
    tables: [...document.querySelectorAll('div.tabel')].map(box => ({
      box: box.clientWidth,
      table: box.querySelector('table').scrollWidth,
      overflow: getComputedStyle(box).overflowX,
      cut: [...box.querySelectorAll('th, td')]
        .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
        .map(cell => cell.textContent.trim()),
    })),
  };
})()
"""


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The statistics page of a server holding a slice of the Kupang demo population."""
    tmp = tmp_path_factory.mktemp("statistics")
    port = free_port()
    settings = initialised_settings(tmp, port)
    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        load_demo(session, scale=0.05)
    engine.dispose()
    with serving(settings, port) as base:
        yield f"{base}/statistics"


@pytest.fixture(scope="module")
def page(page_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    with chromium_page(tmp_path_factory.mktemp("chromium-profile")) as tab:
        yield tab


def _measure(page: Page, url: str, width: int) -> dict[str, Any]:
    page.open(url, width=width)
    measured: dict[str, Any] = page.evaluate(MEASURE)
    # The city table, then one per kecamatan (Kota Kupang has six).
    assert len(measured["tables"]) == 7, measured
    return measured


def test_a_1280_px_desktop_shows_every_column_whole(page: Page, page_url: str) -> None:
    measured = _measure(page, page_url, 1280)
    assert measured["page"] == [1280, 1280]
    for table in measured["tables"]:
        assert table["table"] <= table["box"], f"the table is cut at 1280 px: {table}"
        assert table["cut"] == [], f"cells cut at 1280 px: {table}"


@pytest.mark.parametrize("width", [768, 412])
def test_a_tablet_or_phone_scrolls_the_table_in_its_box(
    page: Page, page_url: str, width: int
) -> None:
    measured = _measure(page, page_url, width)
    # The page itself never gets wider than the screen: no sideways cut of the whole page.
    assert measured["page"][0] <= width, measured["page"]
    for table in measured["tables"]:
        assert table["cut"] == [], f"cells cut at {width} px: {table}"
        if table["table"] > table["box"]:
            assert table["overflow"] in ("auto", "scroll"), table
    if width == 768:
        # A tablet still shows the whole table: the headers wrap rather than widen it.
        assert all(t["table"] <= t["box"] for t in measured["tables"]), measured
