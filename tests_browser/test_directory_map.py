"""The results map on a 360 px phone: it has its legend and labels, and the jump link above
the results brings it into view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests_browser.test_directory import directory  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.usefixtures("directory")

WIDTH, HEIGHT = 360, 780


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not rendered"
    return box


def _in_viewport(box: dict[str, float]) -> bool:
    """Its top is on screen and it is no wider than the screen."""
    return 0 <= box["y"] < HEIGHT and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1


def test_it_shows_the_map_with_its_legend_and_jumps_to_it(page: Any, tmp_path: Path) -> None:
    page.goto(page.base + "/services/?q=self-help")
    page.wait_for_selector("ol.results li")
    assert page.viewport_size == {"width": WIDTH, "height": HEIGHT}
    page.screenshot(path=str(tmp_path / "search-360.png"), full_page=True)

    # the map: an image with a name, each point labelled with its service and site
    svg = page.locator("#results-map svg.geo-map")
    assert svg.count() == 1
    assert svg.get_attribute("role") == "group"  # an image whose points are links
    assert svg.get_attribute("aria-label") == "Map of the services found"
    points = page.locator("#results-map svg .geo-point title").all_text_contents()
    assert sorted(points) == [
        "Self-Help Plus groups — Irpin Resilience Centre",
        "Self-Help Plus in Lviv — Lviv Clinic",
    ]
    assert "Safe House" not in page.content()  # the confidential site is not on the map

    # the legend: the points' key and the regions outlined
    legend = page.locator("#results-map ul.map-legend li").all_inner_texts()
    assert legend[0].strip().startswith("2 places of the services above")
    assert legend[1].strip() == "Regions shown: Kyivska, Lvivska"
    assert page.locator("#results-map .key-point").is_visible()
    assert page.locator("#results-map .key-area").is_visible()

    # on a phone the map starts below the fold; the jump link above the results reaches it
    assert not _in_viewport(_box(page, "#results-map svg.geo-map"))
    jump = page.locator("a[href='#results-map']")
    assert jump.is_visible()
    assert _box(page, "a[href='#results-map']")["y"] < _box(page, "ol.results li")["y"]
    jump.click()
    page.wait_for_timeout(300)  # the scroll
    assert page.url.endswith("#results-map")
    heading = _box(page, "#results-map-h")
    map_box = _box(page, "#results-map svg.geo-map")
    assert _in_viewport(heading), heading
    assert _in_viewport(map_box), map_box
    assert map_box["width"] >= WIDTH * 0.8  # as wide as the screen allows, not a thumbnail
    visible_height = min(map_box["y"] + map_box["height"], HEIGHT) - map_box["y"]
    wanted = min(map_box["height"], 150)
    assert visible_height >= wanted, f"only {visible_height}px of the map is on screen"
    # the legend follows the map on screen
    assert _in_viewport(_box(page, "#results-map ul.map-legend"))
    page.screenshot(path=str(tmp_path / "map-after-jump-360.png"))

    # and back again to the results
    page.click("a[href='#results-heading']")
    page.wait_for_timeout(300)
    assert _in_viewport(_box(page, "#results-heading"))
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert (tmp_path / "search-360.png").stat().st_size > 0
    assert (tmp_path / "map-after-jump-360.png").stat().st_size > 0
