"""Drop-downs of organisations show names, not bare acronyms such as "DAOP0007"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from carenet.accounts import services as account_services
from carenet.community.tests.conftest import make_session
from carenet.conftest import client_for

pytestmark = pytest.mark.usefixtures("reference")

DAOP = "Dnipro Association of Psychologists"


@pytest.fixture
def daop(people: Any) -> Any:
    return account_services.organisation_create(
        actor=None, name=DAOP, acronym="DAOP0007", kind="cbo", country="UA"
    )


def _options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert select is not None, field
    return [o.strip() for o in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))]


def test_an_action_items_owner_is_chosen_by_name(people: Any, areas: Any, daop: Any) -> None:
    session = make_session(people.focal_point, areas["irpin"], people.org_a)
    page = client_for(people.focal_point).get(reverse("community:session", args=[session.uuid]))
    options = _options(page.content.decode(), "owner_organisation")
    assert f"{DAOP} (DAOP0007)" in options and "Alpha Psychosocial (ALPHA)" in options
    assert not [o for o in options if re.fullmatch(r"[A-Z0-9]+", o)]  # no bare codes


def test_the_lead_organisation_is_chosen_by_name(people: Any, areas: Any, daop: Any) -> None:
    page = client_for(people.coordinator).get(reverse("community:assessment_new"))
    options = _options(page.content.decode(), "organisation")
    assert "Alpha Psychosocial (ALPHA)" in options
    assert not [o for o in options if re.fullmatch(r"[A-Z0-9]+", o)]
