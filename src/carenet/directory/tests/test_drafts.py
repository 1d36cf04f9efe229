"""Drafts an import kept for review: who reviews them, placing, publishing and rejecting."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

import pytest
from django.utils import translation

from carenet.conftest import People, assert_access, client_for
from carenet.core import audit
from carenet.core.models import AuditAction, AuditEntry
from carenet.directory import queries
from carenet.directory.models import SearchEntry, Service, ServiceArea, Site
from carenet.directory.tests.conftest import make_service, make_site
from carenet.geo.models import AdminArea
from carenet.taxonomy.models import Term

REVIEWERS = ("coordinator", "superuser", "org_admin", "focal_point")
NOTE = "location Berlin clinic: external_identifier: unknown P-code DE11"


def _draft(people: People, terms: dict[str, dict[str, Term]], **extra: Any) -> Service:
    """A service of ALPHA the way an import keeps it: flagged, with a note, not placed."""
    service = make_service(
        people.org_a, terms, name_en="Counselling in Berlin", needs_review=True, **extra
    )
    Service.objects.filter(pk=service.pk).update(review_note=NOTE)
    audit.record(AuditAction.IMPORT, detail="HSDS import: service +1")
    service.refresh_from_db()
    return service


@pytest.fixture
def draft(people: People, areas: dict[str, AdminArea], terms: Any) -> Service:
    return _draft(people, terms)


def _url(service: Service, action: str = "") -> str:
    return f"/services/drafts/{service.uuid}/" + (f"{action}/" if action else "")


# --- access ------------------------------------------------------------------------------


def test_it_lets_reviewers_reach_the_list_and_nobody_else(
    draft: Service, people: People, split: Any
) -> None:
    assert_access(
        "/services/drafts/",
        *split(
            people, "coordinator", "oblast_coordinator", "superuser", "org_admin", "focal_point"
        ),
    )


def test_it_lets_reviewers_open_a_draft_and_hides_it_from_everyone_else(
    draft: Service, people: People, split: Any
) -> None:
    # the Kyiv oblast coordinator does not reach a draft placed nowhere (not in their area)
    assert_access(_url(draft), *split(people, *REVIEWERS))


def test_it_refuses_to_reject_for_a_practitioner_of_another_organisation(
    draft: Service, people: People
) -> None:
    for user in (people.outsider, people.practitioner, people.viewer, None):
        response = client_for(user).post(_url(draft, "reject"))
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert "/accounts/sign-in/" in response["Location"]
    assert Service.objects.filter(pk=draft.pk).exists()


def test_it_refuses_to_publish_for_an_outsider_or_anonymous(draft: Service, people: People) -> None:
    for user in (people.outsider, None):
        client_for(user).post(_url(draft), {"area": "UA3208015"})
    draft.refresh_from_db()
    assert draft.needs_review


@pytest.mark.parametrize(
    "uuid", ["not-a-uuid", str(uuid_lib.uuid4()), "00000000-0000-0000-0000-000000000000"]
)
def test_it_answers_not_found_for_a_forged_uuid(draft: Service, people: People, uuid: str) -> None:
    client = client_for(people.coordinator)
    assert client.get(f"/services/drafts/{uuid}/").status_code == 404
    assert client.post(f"/services/drafts/{uuid}/reject/").status_code == 404


def test_it_answers_not_found_for_a_published_service(
    people: People, areas: dict[str, AdminArea], terms: Any
) -> None:
    published = make_service(people.org_a, terms, areas=[areas["irpin"]])
    client = client_for(people.coordinator)
    assert client.get(_url(published)).status_code == 404
    assert client.post(_url(published, "reject")).status_code == 404
    assert Service.objects.filter(pk=published.pk).exists()


# --- the list ----------------------------------------------------------------------------


def test_it_lists_drafts_with_why_and_the_import_that_kept_them(
    draft: Service, people: People
) -> None:
    body = client_for(people.coordinator).get("/services/drafts/").content.decode()
    assert "Counselling in Berlin" in body
    assert "no place: the import found no usable P-code or area." in body
    assert NOTE in body
    assert "HSDS import: service +1" in body
    assert str(draft.uuid) in body


def test_it_shows_the_other_organisations_practitioner_nothing(
    draft: Service, people: People
) -> None:
    assert queries.drafts_for_user(people.outsider).count() == 0
    assert queries.drafts_for_user(people.oblast_coordinator).count() == 0
    assert queries.drafts_for_user(people.coordinator).count() == 1


def test_it_pages_the_list_in_few_queries(
    people: People, areas: Any, terms: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        _draft(people, terms, name_pl=f"Szkic {n}")
    client = client_for(people.coordinator)
    client.get("/services/drafts/")  # warm the session and the caches
    with django_assert_max_num_queries(14):
        first = client.get("/services/drafts/").content.decode()
    assert first.count('class="card draft"') == 25
    assert "?page=2" in first
    second = client.get("/services/drafts/?page=2").content.decode()
    assert second.count('class="card draft"') == 5
    assert client.get("/services/drafts/?page=99").status_code == 200  # the last page


def test_it_tells_reviewers_on_the_home_page(draft: Service, people: People) -> None:
    body = client_for(people.coordinator).get("/").content.decode()
    assert "1 imported service waits for review" in body
    assert "/services/drafts/" in body
    assert "waits for review" not in client_for(people.outsider).get("/").content.decode()


def test_it_speaks_ukrainian_and_polish(draft: Service, people: People) -> None:
    for lang, heading, back in (
        ("uk", "Чернетки на перевірку", "Назад до чернеток"),
        ("pl", "Szkice do sprawdzenia", "Powrót do szkiców"),
    ):
        client = client_for(people.coordinator)
        client.cookies["django_language"] = lang
        assert heading in client.get("/services/drafts/").content.decode()
        assert back in client.get(_url(draft)).content.decode()


# --- placing and publishing --------------------------------------------------------------


def test_it_places_and_publishes_a_draft_with_an_audit_entry(
    draft: Service, people: People, areas: dict[str, AdminArea]
) -> None:
    assert not queries.public_services().filter(pk=draft.pk).exists()
    response = client_for(people.coordinator).post(_url(draft), {"area": "Irpinska"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.needs_review
    assert ServiceArea.objects.filter(service=draft, area=areas["irpin"]).exists()
    assert queries.public_service(draft.uuid) == draft
    assert SearchEntry.objects.filter(service=draft).exists()
    entry = AuditEntry.objects.filter(object_id=str(draft.uuid), action="update").first()
    assert entry is not None
    assert entry.actor == people.coordinator
    assert entry.detail == "draft published"
    assert entry.changes == ["needs_review", "service_areas"]


def test_it_asks_for_a_place_before_publishing_an_unplaced_draft(
    draft: Service, people: People
) -> None:
    response = client_for(people.coordinator).post(_url(draft), {"area": ""})
    assert response.status_code == 200
    assert "Choose the place where the service is offered." in response.content.decode()
    draft.refresh_from_db()
    assert draft.needs_review


def test_it_asks_which_place_is_meant(draft: Service, people: People) -> None:
    # the oblast and the hromada are both called Lvivska
    response = client_for(people.coordinator).post(_url(draft), {"area": "Lvivska"})
    body = response.content.decode()
    assert "Which place do you mean?" in body
    assert "UA4606025" in body and "UA46" in body
    response = client_for(people.coordinator).post(
        _url(draft), {"area": "Lvivska", "area__choice": "UA4606025"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("UA9999999", "Unknown P-code: UA9999999"),
        ("Atlantis", "No place is called “Atlantis”"),
        ("x" * 500, "Ensure this value has at most 120 characters"),
    ],
)
def test_it_explains_a_place_it_cannot_use(
    draft: Service, people: People, typed: str, message: str
) -> None:
    response = client_for(people.coordinator).post(_url(draft), {"area": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.needs_review and not draft.areas.exists()


def test_it_publishes_a_placed_draft_and_its_draft_site(
    people: People, areas: dict[str, AdminArea], terms: Any
) -> None:
    site = make_site(people.org_a, areas["irpin"], needs_review=True)
    service = _draft(people, terms, sites=[site])
    client = client_for(people.oblast_coordinator)  # Irpin is in their oblast
    assert "a site needs review." in client.get("/services/drafts/").content.decode()
    assert client.post(_url(service), {"area": ""}).status_code == 302
    site.refresh_from_db()
    service.refresh_from_db()
    assert not site.needs_review and not service.needs_review
    assert AuditEntry.objects.filter(object_id=str(site.uuid), detail="draft published").exists()


def test_it_keeps_an_area_coordinator_to_their_area(
    people: People, areas: dict[str, AdminArea], terms: Any
) -> None:
    site = make_site(people.org_a, areas["irpin"], needs_review=True)
    service = _draft(people, terms, sites=[site])
    response = client_for(people.oblast_coordinator).post(_url(service), {"area": "UA4606025"})
    assert "You can only place services in the areas you coordinate." in response.content.decode()
    service.refresh_from_db()
    assert service.needs_review and not service.areas.exists()


def test_it_lets_the_organisation_publish_its_own_draft(draft: Service, people: People) -> None:
    response = client_for(people.focal_point).post(_url(draft), {"area": "UA3208015"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.needs_review


# --- rejecting ---------------------------------------------------------------------------


def test_it_deletes_a_rejected_draft_and_its_own_draft_site(
    people: People, areas: dict[str, AdminArea], terms: Any
) -> None:
    lonely = make_site(people.org_a, areas["irpin"], needs_review=True, name_en="Lonely")
    shared = make_site(people.org_a, areas["irpin"], needs_review=True, name_en="Shared")
    make_service(people.org_a, terms, sites=[shared], name_en="Other service")
    service = _draft(people, terms, sites=[lonely, shared])
    response = client_for(people.coordinator).post(_url(service, "reject"))
    assert response.status_code == 302
    assert not Service.objects.filter(pk=service.pk).exists()
    assert not Site.objects.filter(pk=lonely.pk).exists()
    assert Site.objects.filter(pk=shared.pk).exists()
    entry = AuditEntry.objects.get(object_id=str(service.uuid), action="delete")
    assert entry.actor == people.coordinator and entry.detail == "draft rejected"
    assert AuditEntry.objects.filter(object_id=str(lonely.uuid), action="delete").exists()


def test_it_refuses_reject_by_get(draft: Service, people: People) -> None:
    assert client_for(people.coordinator).get(_url(draft, "reject")).status_code == 405
    assert Service.objects.filter(pk=draft.pk).exists()


def test_it_names_the_list_in_the_menu_of_reviewers_only(people: People) -> None:
    from django.test import RequestFactory

    from carenet.directory import nav

    request = RequestFactory().get("/")
    with translation.override("en"):
        for user, expected in ((people.coordinator, True), (people.outsider, False)):
            request.user = user
            labels = [i.label for i in nav.items(request)]
            assert ("Drafts for review" in labels) is expected


def test_it_marks_drafts_on_the_organisations_listings(draft: Service, people: People) -> None:
    body = client_for(people.focal_point).get("/services/manage/").content.decode()
    assert "draft for review" in body
    assert _url(draft) in body
