"""Pages: who reaches them, what they show, and what they never show."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from carenet.conftest import People, assert_access, client_for
from carenet.core.models import AuditEntry
from carenet.directory.models import Service, Site
from carenet.directory.tests.conftest import make_service, make_site


def test_public_pages_need_no_sign_in(listing: dict, people: People) -> None:
    uuid = listing["a_service"].uuid
    for url in (
        "/services/",
        "/services/?q=cbt",
        f"/services/{uuid}/",
        "/services/print/?place=UA32",
    ):
        assert_access(url, people.all(), {})


def test_manage_pages_access(listing: dict, people: People, split: Any) -> None:
    a_service, a_site = listing["a_service"].uuid, listing["a_site"].uuid
    everyone_signed_in = [n for n in people.all() if n != "anonymous"]
    assert_access("/services/manage/", *split(people, *everyone_signed_in))
    assert_access("/services/manage/new/", *split(people, "org_admin", "focal_point"))
    assert_access("/services/sites/new/", *split(people, "org_admin", "focal_point"))
    editors = split(people, "org_admin", "focal_point", "superuser")
    assert_access(f"/services/manage/{a_service}/edit/", *editors)
    assert_access(f"/services/sites/{a_site}/edit/", *editors)
    assert_access(f"/services/manage/{a_service}/verify/", *editors, method="post")
    assert_access(
        "/services/stale/", *split(people, "coordinator", "oblast_coordinator", "superuser")
    )


def test_forged_and_foreign_ids_are_not_found(listing: dict, people: People) -> None:
    client = client_for(people.focal_point)
    for uuid in (listing["b_service"].uuid, "x' OR 1=1", "00000000-0000-0000-0000-000000000000"):
        assert client.get(f"/services/manage/{uuid}/edit/").status_code == 404
        assert client.post(f"/services/manage/{uuid}/verify/").status_code == 404
    assert client.get(f"/services/sites/{listing['b_site'].uuid}/edit/").status_code == 404
    assert client_for(None).get("/services/not-a-uuid/").status_code == 404


def service_post(service: Service, site: Site, **changes: Any) -> dict[str, Any]:
    data = {
        "name_en": service.name_en,
        "name_uk": service.name_uk,
        "name_pl": service.name_pl,
        "description_en": service.description_en,
        "layer": service.layer.code,
        "sex": service.sex,
        "free": "on",
        "status": service.status,
        "phone": service.phone,
        "waiting_days": service.waiting_days,
        "activities": ["3.1"],
        "languages": ["uk"],
        "interventions": ["shp"],
        "delivery_modes": ["in-person"],
        "site_choices": [str(site.uuid)],
        "schedule_text": "MO-FR 09:00-17:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_focal_point_edits_a_listing_and_the_change_is_audited(
    listing: dict, people: People
) -> None:
    service = listing["a_service"]
    response = client_for(people.focal_point).post(
        f"/services/manage/{service.uuid}/edit/",
        service_post(service, listing["a_site"], waiting_days=2, verified="on"),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.waiting_days == 2 and len(service.schedule) == 5
    entry = AuditEntry.objects.filter(object_id=str(service.uuid), action="update").first()
    assert entry.actor == people.focal_point
    assert {"waiting_days", "schedule", "last_verified"} <= set(entry.changes)


def test_a_forged_site_of_another_organisation_is_refused(listing: dict, people: People) -> None:
    service = listing["a_service"]
    response = client_for(people.focal_point).post(
        f"/services/manage/{service.uuid}/edit/", service_post(service, listing["b_site"])
    )
    assert response.status_code == 200
    assert "site_choices" in response.context["form"].errors
    assert list(service.sites.all()) == [listing["a_site"]]


def test_a_focal_point_cannot_post_to_another_organisations_listing(
    listing: dict, people: People
) -> None:
    service = listing["b_service"]
    response = client_for(people.focal_point).post(
        f"/services/manage/{service.uuid}/edit/",
        service_post(service, listing["b_site"], name_en="Hijacked"),
    )
    assert response.status_code == 404
    service.refresh_from_db()
    assert service.name_en == "CBT for adults"


def test_bad_form_input_is_explained(listing: dict, people: People) -> None:
    service = listing["a_service"]
    response = client_for(people.focal_point).post(
        f"/services/manage/{service.uuid}/edit/",
        service_post(
            service,
            listing["a_site"],
            schedule_text="Monday nine to five",
            age_min=40,
            age_max=20,
            service_areas="UA32 XX99",
        ),
    )
    form = response.context["form"]
    assert {"schedule_text", "service_areas"} <= set(form.errors)
    assert form.non_field_errors() or "age_min" in form.errors or "__all__" in form.errors


def test_adding_a_service_and_a_site(people: People, located_areas: dict, terms: dict) -> None:
    client = client_for(people.focal_point)
    response = client.post(
        "/services/sites/new/",
        {
            "name_en": "Bucha space",
            "kind": "support_space",
            "pcode": "ua3208015",
            "lat": "50.54",
            "lon": "30.21",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(name_en="Bucha space")
    assert site.organisation == people.org_a and site.area == located_areas["irpin"]
    bad = client.post(
        "/services/sites/new/", {"name_en": "X", "kind": "clinic", "pcode": "UA9999", "lat": "200"}
    )
    assert {"pcode", "lat"} <= set(bad.context["form"].errors)
    response = client.post(
        "/services/manage/new/",
        {
            "name_en": "Walk-in counselling",
            "layer": "3",
            "sex": "any",
            "status": "active",
            "site_choices": [str(site.uuid)],
            "service_areas": "UA32",
            "free": "on",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(name_en="Walk-in counselling")
    assert service.organisation == people.org_a
    assert [a.area.pcode for a in service.areas.all()] == ["UA32"]


def test_search_page_finds_services_and_hides_confidential_sites(listing: dict) -> None:
    client = client_for(None)
    page = client.get("/services/", {"q": "консультації"}).content.decode()
    assert "Shelter counselling" not in page and "Safe House" not in page
    page = client.get("/services/", {"place": "UA4606025", "near": "on"}).content.decode()
    assert "CBT for adults" in page and "Safe House" not in page
    assert "<svg" in page  # the map
    assert str(listing["shelter_service"].uuid) not in page
    printable = client.get("/services/print/", {"place": "Lvivska"}).content.decode()
    assert "Safe House" not in printable and "Shelter" not in printable


def test_search_with_htmx_returns_only_the_results(listing: dict) -> None:
    response = client_for(None).get("/services/", {"q": "cbt"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "CBT for adults" in body and "<html" not in body


def test_near_me_uses_coordinates_from_the_browser(listing: dict) -> None:
    response = client_for(None).get("/services/", {"near": "on", "lat": "49.84", "lon": "24.03"})
    matches = response.context["matches"]
    assert matches[0].name == "CBT for adults"
    assert matches[0].distance_km == pytest.approx(0, abs=0.1)


def test_an_ambiguous_place_offers_choices(listing: dict) -> None:
    response = client_for(None).get("/services/", {"place": "Lvivsk"})
    choices = {a.pcode for a in response.context["place_choices"]}
    assert "UA46" in choices and len(choices) >= 2
    response = client_for(None).get("/services/", {"place": "Atlantis"})
    assert "place" in response.context["form"].errors


def test_service_page_shows_how_to_go_or_call(listing: dict) -> None:
    service = listing["a_service"]
    page = client_for(None).get(f"/services/{service.uuid}/").content.decode()
    assert "tel:+380441111111" in page
    assert "Irpin Resilience Centre" in page and "vul. Universytetska 1" in page
    assert "Self-Help Plus" in page


def test_search_page_runs_only_the_search_statements(listing: dict) -> None:
    client = client_for(None)
    params = {"q": "групи", "place": "UA32", "layer": "3"}
    client.get("/services/", params)  # from now on the place and code lists are in the cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/services/", params)
    assert [m.name for m in response.context["matches"]] == ["Self-Help Plus groups"]
    assert len(ctx.captured_queries) == 2  # the ranked entries, then what the list shows
    with CaptureQueriesContext(connection) as ctx:
        client.get("/services/", {"q": "групи", "near": "on", "place": "UA32"})
    # bounding boxes are tried in turn where PostgreSQL's nearest-first index is missing
    assert len(ctx.captured_queries) <= (4 if connection.vendor == "postgresql" else 6)


def test_a_renamed_term_shows_at_once_in_the_search_form(listing: dict, terms: dict) -> None:
    client = client_for(None)
    assert "Specialised services" in client.get("/services/").content.decode()
    term = terms["pyramid-layer"]["4"]
    term.label_en = "Specialist care"
    term.save()
    page = client.get("/services/").content.decode()
    assert "Specialist care" in page and "Specialised services" not in page


def test_a_chosen_filter_is_shown_chosen_only_in_its_own_request(listing: dict) -> None:
    client = client_for(None)
    chosen = client.get("/services/", {"layer": "4", "near": "on"}).content.decode()
    assert '<option value="4" selected>' in chosen
    assert re.search(r'<input[^>]* name="near"[^>]* checked', chosen)
    plain = client.get("/services/", {"q": "cbt"}).content.decode()
    assert '<option value="4" selected>' not in plain and "checked" not in plain
    assert re.search(r'<input[^>]* name="q" value="cbt"', plain)


def test_a_kept_filter_shows_each_request_its_own_value_and_language(listing: dict) -> None:
    client = client_for(None)
    for _ in range(2):  # the second time from what is kept
        four = client.get("/services/", {"layer": "4"}).content.decode()
        three = client.get("/services/", {"layer": "3"}).content.decode()
        assert '<option value="4" selected>' in four and '<option value="3" selected>' in three
        assert '<option value="3" selected>' not in four
        padded = client.get("/services/", {"age": "007"}).content.decode()
        plain = client.get("/services/", {"age": "7"}).content.decode()
        assert re.search(r'name="age" value="007"', padded)
        assert re.search(r'name="age" value="7"', plain)
    with translation.override("uk"):
        label = gettext("Level of support")
    assert label != "Level of support"
    ukrainian = client.get("/services/", {"layer": "4"}, headers={"accept-language": "uk"})
    assert label in ukrainian.content.decode()
    assert '<option value="4" selected>' in ukrainian.content.decode()


@pytest.mark.parametrize(
    ("params", "opened"),
    [
        ({}, False),
        ({"q": "cbt", "place": "UA3208015"}, False),
        ({"near": "on", "lat": "50.45", "lon": "30.52"}, False),
        ({"q": "cbt", "layer": "4"}, True),
        ({"free": "on"}, True),
        ({"age": "300"}, True),  # its error must be seen
    ],
)
def test_more_filters_open_only_when_one_of_them_is_used(
    listing: dict, params: dict, opened: bool
) -> None:
    page = client_for(None).get("/services/", params).content.decode()
    details = re.search(r'<details class="filters"( open)?>', page)
    assert details is not None
    assert bool(details.group(1)) is opened


def test_the_search_form_speaks_the_language_of_each_request(listing: dict) -> None:
    client = client_for(None)
    with translation.override("uk"):
        heading, search = gettext("Find a service"), gettext("Search")
    assert heading != "Find a service"
    assert "<h1>Find a service</h1>" in client.get("/services/").content.decode()
    page = client.get("/services/", {"q": "cbt"}, headers={"accept-language": "uk"})
    assert f"<h1>{heading}</h1>" in page.content.decode()
    assert f'<button type="submit">{search}</button>' in page.content.decode()
    assert "<h1>Find a service</h1>" in client.get("/services/").content.decode()


def test_search_form_help_is_tied_to_its_field(listing: dict) -> None:
    page = client_for(None).get("/services/").content.decode()
    assert 'aria-describedby="id_place_helptext"' in page
    assert 'id="id_place_helptext"' in page


def test_results_escape_what_organisations_write(
    listing: dict, people: People, located_areas: dict, terms: dict
) -> None:
    site = make_site(people.org_a, located_areas["irpin"], name_en="<i>Hall</i>")
    make_service(people.org_a, terms, sites=[site], name_en="<script>alert(1)</script> help")
    page = client_for(None).get("/services/", {"q": "alert"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; help" in page and "<script>alert" not in page
    assert "&lt;i&gt;Hall&lt;/i&gt;" in page and "<i>Hall" not in page


def test_stale_list_shows_old_listings(listing: dict, people: People) -> None:
    Service.objects.filter(pk=listing["b_service"].pk).update(last_verified=None)
    page = client_for(people.coordinator).get("/services/stale/").content.decode()
    assert "CBT for adults" in page and "Self-Help Plus groups" not in page
    kyiv = client_for(people.oblast_coordinator).get("/services/stale/").content.decode()
    assert "CBT for adults" not in kyiv  # a Lviv service, outside the Kyiv coordinator's area


def test_nearest_first_from_a_chosen_place_does_not_fence_it_in(listing: dict) -> None:
    response = client_for(None).get("/services/", {"place": "UA3208015", "near": "on"})
    found = [m.name for m in response.context["matches"]]
    assert found == ["Self-Help Plus groups", "CBT for adults"]
    fenced = client_for(None).get("/services/", {"place": "UA3208015"})
    assert [m.name for m in fenced.context["matches"]] == ["Self-Help Plus groups"]


def test_an_exact_place_name_picks_the_highest_level(listing: dict) -> None:
    response = client_for(None).get("/services/", {"place": "lvivska"})
    assert response.context["area"].pcode == "UA46"


def test_superusers_manage_listings_in_the_admin(listing: dict, people: People) -> None:
    client = client_for(people.superuser)
    assert client.get("/admin/directory/service/").status_code == 200
    change = f"/admin/directory/service/{listing['a_service'].pk}/change/"
    assert client.get(change).status_code == 200
    assert client_for(people.coordinator).get("/admin/directory/service/").status_code == 302


def test_a_full_page_says_there_are_more(
    people: People, located_areas: dict, terms: dict, client: Any
) -> None:
    site = make_site(people.org_a, located_areas["irpin"])
    for i in range(21):
        make_service(people.org_a, terms, sites=[site], name_en=f"Group {i}")
    first = client.get("/services/", {"q": "group"}).content.decode()
    assert "More than 20 services found" in first and "More results" in first
    second = client.get("/services/", {"q": "group", "page": 2}).content.decode()
    assert "21 services found" in second and "More results" not in second
    in_ukrainian = client.get(
        "/services/", {"q": "group"}, HTTP_ACCEPT_LANGUAGE="uk"
    ).content.decode()
    assert "Знайдено понад 20 послуг" in in_ukrainian
