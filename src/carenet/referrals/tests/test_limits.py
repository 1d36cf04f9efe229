"""The reason for a referral is a note, not a document: longer ones are refused in the
reader's language and no draft is made."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from carenet.conftest import client_for
from carenet.referrals.forms import NeedForm, TransitionForm
from carenet.referrals.models import Referral
from carenet.referrals.tests.conftest import World, make_client

pytestmark = pytest.mark.django_db

REFUSED = {
    "en": "Ensure this value has at most 4000 characters",
    "uk": "Переконайтеся",
    "pl": "Upewnij się",
}


def _need(summary: str) -> dict[str, str]:
    return {"urgency": "routine", "summary": summary}


def test_the_reason_may_be_four_thousand_characters(world: World) -> None:
    assert "summary" not in NeedForm(_need("x" * 4000)).errors
    assert "summary" in NeedForm(_need("x" * 4001)).errors


@pytest.mark.parametrize("language", ["en", "uk", "pl"])
def test_a_longer_reason_is_refused_in_the_readers_language(world: World, language: str) -> None:
    with translation.override(language):
        [message] = NeedForm(_need("x" * 4001)).errors["summary"]
    assert REFUSED[language] in message and "4000" in message


def test_the_feedback_and_reasons_of_a_step_are_limited_too(world: World) -> None:
    form = TransitionForm({"feedback": "x" * 2001, "reason": "x" * 1001})
    assert {"feedback", "reason"} <= set(form.errors)


def test_the_page_refuses_a_long_reason_and_makes_no_draft(world: World) -> None:
    client = make_client(world)
    browser = client_for(world.people.practitioner)
    browser.cookies["django_language"] = "pl"
    response = browser.post(
        reverse("referrals:referral_new", args=[client.uuid]),
        _need("x" * 21_000),
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    assert response.status_code == 200
    assert REFUSED["pl"] in response.content.decode()
    assert not Referral.objects.exists()
