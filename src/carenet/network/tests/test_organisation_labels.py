"""Drop-downs of organisations show names, not bare acronyms such as "DAOP0007"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from carenet.accounts import services as account_services
from carenet.accounts.models import Organisation
from carenet.conftest import People, client_for
from carenet.network.tests.factories import meeting

pytestmark = pytest.mark.django_db

DAOP = "Dnipro Association of Psychologists"


@pytest.fixture
def daop(people: People) -> Organisation:
    return account_services.organisation_create(
        actor=None, name=DAOP, acronym="DAOP0007", kind="cbo", country="UA"
    )


def _options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert select is not None, field
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def test_the_meetings_responsible_organisation_is_named(people: People, daop: Any) -> None:
    found = meeting(people.coordinator)
    page = client_for(people.coordinator).get(reverse("network:meeting", args=[found.uuid]))
    options = _options(page.content.decode(), "owner_organisation")
    assert f"{DAOP} (DAOP0007)" in options
    assert "Alpha Psychosocial (ALPHA)" in options
    assert "DAOP0007" not in options


def test_the_goals_lead_organisation_is_named(people: People, daop: Any) -> None:
    page = client_for(people.coordinator).get(reverse("network:advocacy"))
    options = _options(page.content.decode(), "lead")
    assert f"{DAOP} (DAOP0007)" in options and "DAOP0007" not in options
    named = [o for o in options if "(" in o]
    assert named == sorted(named)  # by name, as people look for them
