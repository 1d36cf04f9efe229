"""The script an address is shown in: Latin (KMU 2010) on English and Polish pages,
the original on Ukrainian ones, on every page that shows a service's address."""

from __future__ import annotations

from typing import Any

import pytest

from carenet.conftest import People
from carenet.directory import presentation
from carenet.directory.models import Site
from carenet.directory.tests.conftest import make_service, make_site
from carenet.directory.text import in_reader_script, transliterate_uk
from carenet.geo.models import AdminArea

# The examples of the official table (resolution of the Cabinet of Ministers No. 55, 2010).
OFFICIAL_EXAMPLES = [
    ("Згорани", "Zghorany"),
    ("Розгон", "Rozghon"),
    ("Щербухи", "Shcherbukhy"),
    ("Гаврилюк", "Havryliuk"),
    ("Юрій", "Yurii"),
    ("Знам'янка", "Znamianka"),
    ("Яготин", "Yahotyn"),
    ("Костянтин", "Kostiantyn"),
    ("Алушта", "Alushta"),
    ("Борщагівка", "Borshchahivka"),
    ("Галаган", "Halahan"),
    ("Ґорґани", "Gorgany"),
    ("Єнакієве", "Yenakiieve"),
    ("Їжакевич", "Yizhakevych"),
    ("Кадиївка", "Kadyivka"),
    ("Йосипівка", "Yosypivka"),
    ("Стрий", "Stryi"),
    ("Олексій", "Oleksii"),
    ("Житомир", "Zhytomyr"),
    ("Харків", "Kharkiv"),
    ("Біла Церква", "Bila Tserkva"),
    ("Чернівці", "Chernivtsi"),
    ("Шостка", "Shostka"),
    ("Гоща", "Hoshcha"),
    ("Юрчишин", "Yurchyshyn"),
    ("Крюківка", "Kriukivka"),
    ("Ярошенко", "Yaroshenko"),
    ("Ічня", "Ichnia"),
]

KHRESHCHATYK = "вул. Хрещатик, 22"
KYIV_UK = "Київ"


@pytest.mark.parametrize(("cyrillic", "latin"), OFFICIAL_EXAMPLES)
def test_it_transliterates_by_the_official_table(cyrillic: str, latin: str) -> None:
    assert transliterate_uk(cyrillic) == latin


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc"])
def test_it_drops_every_kind_of_apostrophe(apostrophe: str) -> None:
    assert transliterate_uk(f"Знам{apostrophe}янка") == "Znamianka"


def test_it_leaves_latin_text_alone() -> None:
    assert transliterate_uk("ul. Marszałkowska 1, Warszawa") == "ul. Marszałkowska 1, Warszawa"
    assert transliterate_uk("") == ""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "vul. Khreshchatyk, 22"),
        ("pl", "vul. Khreshchatyk, 22"),
        ("en-gb", "vul. Khreshchatyk, 22"),
        ("uk", KHRESHCHATYK),
    ],
)
def test_it_picks_the_script_by_the_page_language(lang: str, expected: str) -> None:
    assert in_reader_script(KHRESHCHATYK, lang) == expected


def test_it_keeps_a_polish_address_on_a_ukrainian_page() -> None:
    assert in_reader_script("ul. Żelazna 5", "uk") == "ul. Żelazna 5"


# --- the pages ---------------------------------------------------------------------------


@pytest.fixture
def kyiv_listing(people: People, located_areas: dict[str, AdminArea], terms: Any) -> Any:
    site = make_site(
        people.org_a,
        located_areas["irpin"],
        address=KHRESHCHATYK,
        city=KYIV_UK,
        postal_code="01001",
    )
    return make_service(people.org_a, terms, sites=[site])


def _get(client: Any, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("pl", "vul. Khreshchatyk, 22, 01001 Kyiv", KHRESHCHATYK),
        ("en", "vul. Khreshchatyk, 22, 01001 Kyiv", KHRESHCHATYK),
        ("uk", f"{KHRESHCHATYK}, 01001 {KYIV_UK}", "Khreshchatyk"),
    ],
)
def test_it_shows_the_address_in_one_script_on_the_service_page(
    client: Any, kyiv_listing: Any, lang: str, shown: str, hidden: str
) -> None:
    body = _get(client, f"/services/{kyiv_listing.uuid}/", lang)
    assert shown in body
    assert hidden not in body


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("pl", "vul. Khreshchatyk, 22, Kyiv", KHRESHCHATYK),
        ("uk", f"{KHRESHCHATYK}, {KYIV_UK}", "Khreshchatyk"),
    ],
)
def test_it_shows_the_address_in_one_script_in_search_results(
    client: Any, kyiv_listing: Any, lang: str, shown: str, hidden: str
) -> None:
    body = _get(client, "/services/?place=UA3208015", lang)
    assert shown in body
    assert hidden not in body


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("pl", "vul. Khreshchatyk, 22, 01001 Kyiv", KHRESHCHATYK),
        ("uk", f"{KHRESHCHATYK}, 01001 {KYIV_UK}", "Khreshchatyk"),
    ],
)
def test_it_shows_the_address_in_one_script_on_the_printable_list(
    client: Any, kyiv_listing: Any, lang: str, shown: str, hidden: str
) -> None:
    body = _get(client, "/services/print/?place=UA32", lang)
    assert shown in body
    assert hidden not in body


def test_it_falls_back_to_the_area_when_a_site_has_no_town(
    people: People, areas: dict[str, AdminArea]
) -> None:
    site: Site = make_site(people.org_a, areas["irpin"], address="вул. Садова 3")
    assert presentation.address_line(site.address, lang="pl") == "vul. Sadova 3"
    assert presentation.site_address(site) == "vul. Sadova 3, Irpinska"
