from __future__ import annotations

import pytest
from django.urls import reverse

from carenet.conftest import client_for
from carenet.outcomes.loaders import load_instruments
from carenet.outcomes.models import Instrument

pytestmark = pytest.mark.django_db


def test_superusers_edit_instruments_and_a_broken_definition_is_refused(people: object) -> None:
    load_instruments()
    phq9 = Instrument.objects.get(code="PHQ-9")
    web = client_for(people.superuser)  # type: ignore[attr-defined]
    url = reverse("admin:outcomes_instrument_change", args=[phq9.pk])
    assert web.get(url).status_code == 200
    form = web.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["definition"] = '{"code": "PHQ-9", "scoring": {"method": "sum", "range": [0, 1]}}'
    data["me_group"] = phq9.me_group_id
    response = web.post(url, data)
    assert response.status_code == 200  # shown again with the error
    phq9.refresh_from_db()
    assert phq9.definition["scoring"]["range"] == [0, 27]
    assert client_for(people.org_admin).get(url).status_code in (302, 403)  # type: ignore[attr-defined]
