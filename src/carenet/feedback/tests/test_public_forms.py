"""The public feedback form: no account, no personal field, bad input refused whole."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from carenet.core import antispam
from carenet.core.models import AuditEntry
from carenet.feedback.models import Answer, Feedback
from carenet.feedback.tests.conftest import anonymous, feedback_data, make_site, token

pytestmark = pytest.mark.django_db


def test_it_answers_the_form_without_sign_in(site: Any) -> None:
    response = anonymous().get(f"/feedback/{site.uuid}/")
    assert response.status_code == 200
    assert "Irpin Resilience Centre" in response.content.decode()


def test_it_asks_for_no_personal_field(site: Any) -> None:
    response = anonymous().get(f"/feedback/{site.uuid}/")
    form = response.context["form"]
    required = [name for name, field in form.fields.items() if field.required]
    assert required == ["token"]
    html = response.content.decode().lower()
    for personal in ('name="name"', 'name="email"', 'name="phone"', 'name="age"'):
        assert personal not in html


def test_it_saves_anonymous_feedback_encrypted(site: Any) -> None:
    response = anonymous().post(
        f"/feedback/{site.uuid}/", feedback_data(site, text="Чудове місце", contact="+380501112233")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/{site.uuid}/thanks/"
    item = Feedback.objects.get()
    assert item.site == site and item.organisation == site.organisation
    assert item.text == "Чудове місце"
    assert {a.question.code: a.score for a in Answer.objects.all()} == {"welcome": 5, "helped": 4}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text, contact FROM feedback_feedback")
        raw_text, raw_contact = cursor.fetchone()
    assert "Чудове" not in raw_text and "380501112233" not in raw_contact
    entry = AuditEntry.objects.get(object_id=str(item.uuid))
    assert entry.actor is None and entry.ip_address is None


def test_a_service_has_its_own_form(service: Any) -> None:
    assert anonymous().get(f"/feedback/service/{service.uuid}/").status_code == 200
    response = anonymous().post(f"/feedback/service/{service.uuid}/", feedback_data(service))
    assert response["Location"] == f"/feedback/service/{service.uuid}/thanks/"
    assert Feedback.objects.get().service == service


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"q_welcome": "", "q_helped": "", "text": "  "}, "Please answer at least one question"),
        ({"text": "x" * 2001}, "at most 2000 characters"),
        ({"text": "<script>alert(1)</script>"}, "without HTML or scripts"),
        ({"text": "see <a href=x>here</a>"}, "without HTML or scripts"),
        ({"contact": "javascript:alert(1)"}, "without HTML or scripts"),
        ({"q_welcome": "9"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    site: Any, extra: dict[str, str], message: str
) -> None:
    response = anonymous().post(f"/feedback/{site.uuid}/", feedback_data(site, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Feedback.objects.exists() and not Answer.objects.exists()


def test_the_error_is_translated(site: Any) -> None:
    response = anonymous().post(
        f"/feedback/{site.uuid}/",
        feedback_data(site, text="<b>hi</b>"),
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert response.status_code == 400
    assert "Будь ласка, пишіть звичайним текстом" in response.content.decode()


def test_the_honeypot_refuses_a_bot(site: Any) -> None:
    response = anonymous().post(
        f"/feedback/{site.uuid}/", feedback_data(site, website="http://spam")
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("age", "problem"), [(-60, "too quickly"), (7 * 3600, "open for too long")]
)
def test_the_fill_time_token_refuses_too_fast_or_too_old(site: Any, age: int, problem: str) -> None:
    data = feedback_data(site, token=token(site, age=age))
    response = anonymous().post(f"/feedback/{site.uuid}/", data)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_token_of_another_site_or_forged_is_refused(people: Any, areas: Any, site: Any) -> None:
    other = make_site(people, areas, name_en="Other")
    for forged in (token(other), token(site) + "x", "not-a-token"):
        response = anonymous().post(f"/feedback/{site.uuid}/", feedback_data(site, token=forged))
        assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_the_rate_limit_stops_a_flood_from_one_address(site: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(antispam, "RATE_LIMIT", 3)
    client = anonymous()
    codes = [
        client.post(f"/feedback/{site.uuid}/", feedback_data(site)).status_code for _ in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert Feedback.objects.count() == 3
    # another address is not limited
    other = anonymous()
    other.defaults["REMOTE_ADDR"] = "198.51.100.9"
    assert other.post(f"/feedback/{site.uuid}/", feedback_data(site)).status_code == 302


def test_the_rate_limit_keeps_no_address(site: Any) -> None:
    from django.core.cache import cache

    anonymous().post(f"/feedback/{site.uuid}/", feedback_data(site))
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # locmem, in tests only
    assert keys and not any("203.0.113.7" in k for k in keys)


def test_forged_and_confidential_sites_are_not_found(people: Any, areas: Any, site: Any) -> None:
    hidden = make_site(people, areas, name_en="Shelter", confidential=True)
    inactive = make_site(people, areas, name_en="Closed", is_active=False)
    for url in (
        f"/feedback/{uuid.uuid4()}/",
        f"/feedback/{hidden.uuid}/",
        f"/feedback/{inactive.uuid}/",
        f"/feedback/service/{uuid.uuid4()}/",
        f"/feedback/service/{site.uuid}/",
        f"/feedback/{uuid.uuid4()}/poster/",
    ):
        assert anonymous().get(url).status_code == 404, url
