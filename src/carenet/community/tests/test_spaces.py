"""Support spaces: offers, readiness checklist, the link to the directory, access."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from carenet.community import queries, services
from carenet.community.models import ChecklistItem, SupportOffer, SupportSpace
from carenet.community.tests.conftest import make_implementation
from carenet.conftest import assert_access, client_for
from carenet.directory import services as directory_services

pytestmark = pytest.mark.usefixtures("reference")

VIEWERS = (
    "coordinator",
    "oblast_coordinator",
    "org_admin",
    "focal_point",
    "practitioner",
    "viewer",
    "superuser",
)
EDITORS = ("coordinator", "oblast_coordinator", "org_admin", "focal_point", "superuser")


@pytest.fixture
def space(people: Any, areas: Any) -> SupportSpace:
    return services.space_create(
        actor=people.focal_point,
        community=areas["irpin"],
        organisation=people.org_a,
        offers=list(SupportOffer.objects.filter(code__in=["cbt", "referral"])),
        name="Taking Care of Myself — Irpin",
    )


def _site(people: Any, area: Any, kind: str = "support_space") -> Any:
    return directory_services.site_create(
        actor=people.focal_point,
        organisation=people.org_a,
        data={"name_en": "Irpin support space", "kind": kind, "area": area},
    )


def test_access_to_a_space(people: Any, space: SupportSpace, split: Any) -> None:
    assert_access(reverse("community:space", args=[space.uuid]), *split(people, *VIEWERS))
    assert_access(reverse("community:space_edit", args=[space.uuid]), *split(people, *EDITORS))
    assert_access(reverse("community:checklist", args=[space.uuid]), *split(people, *EDITORS))
    assert_access(reverse("community:spaces"), *split(people, *VIEWERS, "outsider"))
    assert (
        client_for(people.coordinator)
        .get(reverse("community:space", args=[uuid.uuid4()]))
        .status_code
        == 404
    )


def test_the_checklist_tells_when_a_space_is_ready(people: Any, space: SupportSpace) -> None:
    readiness = queries.readiness_of(space)
    assert (readiness.done, readiness.total, readiness.ready) == (0, 5, False)
    items = list(ChecklistItem.objects.all())
    data = {f"done_{i.code}": "on" for i in items[:4]}
    data[f"note_{items[4].code}"] = "Council decision expected in May"
    response = client_for(people.focal_point).post(
        reverse("community:checklist", args=[space.uuid]), data
    )
    assert response.status_code == 302
    readiness = queries.readiness_of(SupportSpace.objects.get(pk=space.pk))
    assert (readiness.done, readiness.ready) == (4, False)
    data[f"done_{items[4].code}"] = "on"
    client_for(people.focal_point).post(reverse("community:checklist", args=[space.uuid]), data)
    assert queries.readiness_of(SupportSpace.objects.get(pk=space.pk)).ready
    page = client_for(people.viewer).get(reverse("community:space", args=[space.uuid]))
    assert "Ready to open" in page.content.decode()


def test_a_space_links_to_a_directory_site_of_its_community(
    people: Any, areas: Any, space: SupportSpace
) -> None:
    site = _site(people, areas["irpin"])
    other = _site(people, areas["lviv"])
    implementation = make_implementation(people.focal_point, areas["irpin"], people.org_a)
    assert list(queries.linkable_sites(people.focal_point, areas["irpin"])) == [site]
    url = reverse("community:space_edit", args=[space.uuid])
    response = client_for(people.focal_point).post(
        url,
        {
            "name": space.name,
            "offers": [o.pk for o in space.offers.all()],
            "site": other.pk,
            "implementation": implementation.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["site"]
    response = client_for(people.focal_point).post(
        url,
        {
            "name": space.name,
            "offers": [o.pk for o in space.offers.all()],
            "site": site.pk,
            "implementation": implementation.pk,
        },
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert (space.site, space.implementation) == (site, implementation)
    with pytest.raises(ValidationError):
        services.space_update(actor=people.focal_point, space=space, offers=[], site=other)


def test_a_space_is_recorded_with_its_offers(people: Any, areas: Any) -> None:
    offers = list(
        SupportOffer.objects.filter(code__in=["mind-body-groups", "self-help-plus-groups"])
    )
    response = client_for(people.org_admin).post(
        reverse("community:space_new"),
        {
            "name": "Space in Lviv",
            "community": "UA4606025",
            "organisation": people.org_a.pk,
            "offers": [o.pk for o in offers],
        },
    )
    assert response.status_code == 302
    space = SupportSpace.objects.get()
    assert set(space.offers.all()) == set(offers)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("community", "PL9999"),
        ("organisation", "999999"),
        ("offers", "999999"),
        ("name", ""),
    ],
)
def test_bad_space_input_is_refused(people: Any, areas: Any, field: str, value: str) -> None:
    data = {
        "name": "Space",
        "community": "UA4606025",
        "organisation": people.org_a.pk,
        field: value,
    }
    response = client_for(people.org_admin).post(reverse("community:space_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not SupportSpace.objects.exists()


def test_an_outsider_cannot_record_a_space_for_another_organisation(
    people: Any, areas: Any
) -> None:
    response = client_for(people.outsider).post(
        reverse("community:space_new"),
        {"name": "x", "community": "UA4606025", "organisation": people.org_a.pk},
    )
    assert response.status_code == 403
    assert not SupportSpace.objects.exists()


def test_a_checklist_sent_late_never_overwrites_a_newer_one(
    people: Any, space: SupportSpace
) -> None:
    url = reverse("community:checklist", args=[space.uuid])
    page = client_for(people.focal_point).get(url).content.decode()
    opened_on = page.split('name="_version" value="')[1].split('"')[0]
    items = list(ChecklistItem.objects.all())
    client_for(people.org_admin).post(url, {f"done_{items[0].code}": "on", "_version": opened_on})
    late = client_for(people.focal_point).post(
        url,
        {f"done_{items[1].code}": "on", "_version": opened_on},
        HTTP_X_CARENET_OFFLINE="1",
        HTTP_X_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert late.status_code == 409
    assert "changed by someone else" in late.json()["message"]
    done = [i.code for i, a in queries.readiness_of(space).items if a and a.done]
    assert done == [items[0].code]
