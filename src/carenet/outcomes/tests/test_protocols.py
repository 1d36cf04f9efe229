"""Organisation admins write the safety protocols practitioners see with a flag."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carenet.conftest import assert_access, client_for
from carenet.core.models import AuditEntry
from carenet.outcomes import queries
from carenet.outcomes.models import SafetyProtocol
from carenet.outcomes.tests.conftest import World

pytestmark = pytest.mark.django_db
URL = reverse("outcomes:protocols")


def test_only_the_organisations_admins_edit_protocols(world: World, split: object) -> None:
    allowed, denied = split(world.people, "org_admin")  # type: ignore[operator]
    assert_access(URL, allowed, denied)


def test_an_admin_sets_the_organisation_and_a_sites_protocol(world: World) -> None:
    browser = client_for(world.people.org_admin)
    org = world.people.org_a
    answer = browser.post(
        URL,
        {
            "site": "",
            "text_en": "Call the duty psychologist.",
            "text_uk": "Телефонуйте черговому психологу.",
        },
    )
    assert answer.status_code == 302
    assert queries.protocol_for(org) == "Call the duty psychologist."
    browser.post(URL, {"site": str(world.site_a.uuid), "text_en": "Site A: call 112 first."})
    assert queries.protocol_for(org, world.site_a.pk) == "Site A: call 112 first."
    page = browser.get(URL, {"site": str(world.site_a.uuid)}).content.decode()
    assert "Site A: call 112 first." in page and "Call the duty psychologist." in page
    # empty texts for the site: the organisation's protocol applies again
    browser.post(URL, {"site": str(world.site_a.uuid), "text_en": ""})
    assert queries.protocol_for(org, world.site_a.pk) == "Call the duty psychologist."
    details = list(
        AuditEntry.objects.filter(detail="safety protocol").values_list("action", flat=True)
    )
    assert len(details) == 3


def test_the_organisations_protocol_needs_english_and_a_foreign_site_is_refused(
    world: World,
) -> None:
    browser = client_for(world.people.org_admin)
    answer = browser.post(URL, {"site": "", "text_uk": "Лише українською"})
    assert answer.status_code == 200
    assert "Write the protocol in English" in answer.content.decode()
    # organisation B's site is not a choice for organisation A's admin
    answer = browser.post(URL, {"site": str(world.site_b.uuid), "text_en": "Hijack"})
    assert answer.status_code == 200
    assert not SafetyProtocol.objects.exists()


def test_a_too_long_protocol_is_refused(world: World) -> None:
    browser = client_for(world.people.org_admin)
    answer = browser.post(URL, {"site": "", "text_en": "x" * 4001})
    assert answer.status_code == 200
    assert not SafetyProtocol.objects.exists()
