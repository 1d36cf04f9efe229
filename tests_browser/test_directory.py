"""The public directory on a phone: search in Ukrainian near a point, open a service, with
and without JavaScript; accessible (axe-core) and never showing a confidential site."""

from __future__ import annotations

from typing import Any

import pytest

from carenet.accounts import services as account_services
from carenet.directory import services as directory_services
from carenet.geo.models import AdminArea, BoundarySet
from carenet.geo.text import search_text
from carenet.taxonomy import queries as taxonomy
from carenet.taxonomy.loaders import load_all
from tests_browser.conftest import axe_violations, screenshot

KYIV = {"latitude": 50.45, "longitude": 30.52}


def _area(
    bs: BoundarySet,
    pcode: str,
    parent: AdminArea | None,
    en: str,
    uk: str,
    lat: float | None = None,
    lon: float | None = None,
) -> AdminArea:
    return AdminArea.objects.create(
        pcode=pcode,
        level=(parent.level + 1) if parent else 1,
        parent=parent,
        path=(parent.path if parent else "") + pcode + "/",
        country="UA",
        boundary_set=bs,
        name_en=en,
        name_uk=uk,
        lat=lat,
        lon=lon,
        search_text=search_text([en, uk, pcode]),
    )


@pytest.fixture
def directory(transactional_db: None) -> dict[str, Any]:
    """SH+ groups in Irpin (ALPHA), CBT in Lviv (BETA) and BETA's confidential shelter."""
    load_all()
    ua = BoundarySet.objects.create(country="UA", version="browser-test")
    kyiv_obl = _area(ua, "UA32", None, "Kyivska", "Київська", 50.3, 30.5)
    bucha = _area(ua, "UA3208", kyiv_obl, "Buchanskyi", "Бучанський")
    irpin = _area(ua, "UA3208015", bucha, "Irpinska", "Ірпінська", 50.52, 30.25)
    lviv_obl = _area(ua, "UA46", None, "Lvivska", "Львівська", 49.8, 24.0)
    lviv = _area(
        ua,
        "UA4606025",
        _area(ua, "UA4606", lviv_obl, "Lvivskyi", "Львівський"),
        "Lvivska",
        "Львівська",
        49.84,
        24.03,
    )
    alpha = account_services.organisation_create(
        actor=None, name="Alpha Psychosocial", acronym="ALPHA", kind="nngo", country="UA"
    )
    beta = account_services.organisation_create(
        actor=None, name="Beta Mental Health", acronym="BETA", kind="ingo", country="UA"
    )
    layer = {t.code: t for t in taxonomy.terms("pyramid-layer")}
    uk = taxonomy.term("language", "uk")

    def add(
        org: Any,
        area: AdminArea,
        site_name: str,
        name_en: str,
        name_uk: str,
        layer_code: str,
        confidential: bool = False,
    ) -> Any:
        site = directory_services.site_create(
            actor=None,
            organisation=org,
            data={
                "name_en": site_name,
                "name_uk": site_name,
                "kind": "clinic",
                "area": area,
                "lat": area.lat,
                "lon": area.lon,
                "address": "vul. Shevchenka 1",
                "confidential": confidential,
            },
        )
        return directory_services.service_create(
            actor=None,
            organisation=org,
            sites=[site],
            m2m={"languages": [uk]},
            data={
                "name_en": name_en,
                "name_uk": name_uk,
                "layer": layer[layer_code],
                "phone": "+380 44 123 4567",
                "waiting_days": 3,
                "description_uk": "П'ять групових зустрічей.",
            },
        )

    sh = add(
        alpha,
        irpin,
        "Irpin Resilience Centre",
        "Self-Help Plus groups",
        "Групи «Самодопомога плюс»",
        "3",
    )
    add(beta, lviv, "Lviv Clinic", "Self-Help Plus in Lviv", "Самодопомога плюс у Львові", "3")  # noqa: RUF001
    add(
        beta,
        lviv,
        "Safe House",
        "Shelter self-help",
        "Самодопомога в притулку",
        "3",
        confidential=True,
    )
    return {"sh": sh}


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"


def test_search_in_ukrainian_near_a_point_and_open_the_service(page: Any, directory: dict) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "uk", "url": page.base}])
    page.context.grant_permissions(["geolocation"], origin=page.base)
    page.context.set_geolocation(KYIV)
    page.goto(page.base + "/services/")
    assert page.locator("h1").inner_text() == "Знайти послугу"
    assert axe_violations(page) == []
    page.fill("input[name=q]", "самодопомога")
    page.click("#use-location")
    for _ in range(50):  # (wait_for_function would need eval, which the CSP forbids)
        if page.input_value("input[name=lat]"):
            break
        page.wait_for_timeout(100)
    assert page.is_checked("input[name=near]")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("ol.results li")
    titles = page.locator("ol.results h3").all_inner_texts()
    assert titles == ["Групи «Самодопомога плюс»", "Самодопомога плюс у Львові"]  # noqa: RUF001
    assert "притулку" not in page.content() and "Safe House" not in page.content()
    assert "lat=50.45" in page.url  # htmx pushed the search into the address bar
    _no_horizontal_scroll(page)
    assert axe_violations(page) == []
    screenshot(page, "directory-search-uk")
    page.click("ol.results h3 a >> nth=0")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Групи «Самодопомога плюс»"
    assert page.locator("a[href^='tel:']").first.get_attribute("href") == "tel:+380441234567"
    _no_horizontal_scroll(page)
    assert axe_violations(page) == []
    screenshot(page, "directory-service-uk")


def test_the_same_search_works_without_javascript(no_js_page: Any, directory: dict) -> None:
    page = no_js_page
    page.context.add_cookies([{"name": "django_language", "value": "uk", "url": page.base}])
    page.goto(page.base + "/services/")
    assert page.locator("#use-location").is_hidden()  # needs JavaScript, so not offered
    page.fill("input[name=q]", "САМОДОПОМОГА")
    page.fill("input[name=place]", "Ірпінська")
    page.check("input[name=near]")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("ol.results li")
    titles = page.locator("ol.results h3").all_inner_texts()
    assert titles[0] == "Групи «Самодопомога плюс»"
    assert "Safe House" not in page.content()
    assert page.locator("svg.map").count() == 1
    page.click("ol.results h3 a >> nth=0")
    page.wait_for_selector("a[href^='tel:']")
    assert "Irpin Resilience Centre" in page.content()
    _no_horizontal_scroll(page)
    screenshot(page, "directory-service-nojs")


def test_printable_list_and_filters_pass_the_accessibility_check(
    page: Any, directory: dict
) -> None:
    page.goto(page.base + "/services/print/?place=UA32")
    assert "Self-Help Plus groups" in page.content()
    assert axe_violations(page) == []
    page.goto(page.base + "/services/?q=self-help&layer=3&language=uk&free=on")
    page.click("details.filters summary")
    assert axe_violations(page) == []
    _no_horizontal_scroll(page)
    screenshot(page, "directory-filters")
