"""Writes: audited with the changed fields, refused across organisations, indexed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from carenet.conftest import People
from carenet.core.models import AuditEntry
from carenet.directory import queries, services
from carenet.directory.models import SearchEntry, Service
from carenet.directory.tests.conftest import make_site


def last_entry(obj: object) -> AuditEntry:
    return AuditEntry.objects.filter(object_id=str(obj.uuid)).first()  # type: ignore[attr-defined]


def test_an_edit_is_audited_with_the_changed_fields_only(listing: dict, people: People) -> None:
    service = listing["a_service"]
    changed = services.service_update(
        actor=people.focal_point,
        service=service,
        data={"waiting_days": 9, "phone": service.phone, "name_pl": "Nowa nazwa"},
        m2m={"languages": []},
    )
    assert changed == ["waiting_days", "name_pl", "languages"]
    entry = last_entry(service)
    assert entry.action == "update" and entry.actor == people.focal_point
    assert entry.changes == ["languages", "name_pl", "waiting_days"]
    assert entry.organisation == people.org_a
    assert "Nowa nazwa" not in str(entry.detail)  # names of fields, never values


def test_nothing_changed_writes_no_audit_entry(listing: dict, people: People) -> None:
    before = AuditEntry.objects.count()
    assert (
        services.service_update(
            actor=people.focal_point, service=listing["a_service"], data={"waiting_days": 5}
        )
        == []
    )
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "persona", ["focal_point", "org_admin", "coordinator", "viewer", "practitioner", "outsider"]
)
def test_only_the_organisations_editors_may_change_its_listing(
    listing: dict, people: People, persona: str
) -> None:
    user = getattr(people, persona)
    service = listing["b_service"]  # BETA's; the outsider is a practitioner of BETA
    with pytest.raises(Http404):
        services.service_update(actor=user, service=service, data={"waiting_days": 1})
    with pytest.raises(Http404):
        services.service_verify(actor=user, service=service)
    with pytest.raises(Http404):
        services.site_update(actor=user, site=listing["b_site"], data={"phone": "1"})
    service.refresh_from_db()
    assert service.waiting_days == 14


def test_a_service_cannot_be_placed_at_another_organisations_site(
    listing: dict, people: People
) -> None:
    with pytest.raises(ValidationError):
        services.service_update(
            actor=people.focal_point, service=listing["a_service"], sites=[listing["b_site"]]
        )
    assert list(listing["a_service"].sites.all()) == [listing["a_site"]]


def test_invalid_values_are_refused(people: People, listing: dict) -> None:
    with pytest.raises(ValidationError):
        services.service_update(
            actor=people.focal_point,
            service=listing["a_service"],
            data={"age_min": 30, "age_max": 10},
        )
    with pytest.raises(ValueError, match="not editable"):
        services.service_update(
            actor=people.focal_point,
            service=listing["a_service"],
            data={"organisation": people.org_b},
        )


def test_making_a_site_confidential_removes_it_from_search(listing: dict, people: People) -> None:
    site = listing["a_site"]
    assert SearchEntry.objects.filter(site=site).exists()
    changed = services.site_update(actor=people.focal_point, site=site, data={"confidential": True})
    assert changed == ["confidential"]
    assert not SearchEntry.objects.filter(site=site).exists()
    assert last_entry(site).changes == ["confidential"]


def test_verifying_clears_the_stale_flag(listing: dict, people: People, settings: object) -> None:
    service = listing["a_service"]
    old = timezone.localdate() - datetime.timedelta(days=91)
    Service.objects.filter(pk=service.pk).update(last_verified=old)
    service.refresh_from_db()
    assert service.is_stale
    assert service in queries.stale_services(people.coordinator)
    services.service_verify(actor=people.focal_point, service=service)
    service.refresh_from_db()
    assert not service.is_stale and service.last_verified == timezone.localdate()
    assert service not in queries.stale_services(people.coordinator)
    assert last_entry(service).changes == ["last_verified"]


def test_the_stale_period_is_a_setting(listing: dict, settings: object) -> None:
    service = listing["a_service"]  # verified 3 days ago
    assert not service.is_stale
    settings.CARENET_STALE_AFTER_DAYS = 2  # type: ignore[attr-defined]
    assert service.is_stale


def test_creating_a_site_and_service_is_audited(
    people: People, located_areas: dict, terms: dict
) -> None:
    site = make_site(people.org_a, located_areas["irpin"])
    entry = last_entry(site)
    assert entry.action == "create" and "area" in entry.changes
    service = services.service_create(
        actor=people.focal_point, organisation=people.org_a, data={"name_en": "New"}, sites=[site]
    )
    assert "sites" in last_entry(service).changes
    assert SearchEntry.objects.filter(service=service).count() == 1
