"""Notes are a page of text, not documents: longer ones are refused, in the reader's
language, and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from carenet.community.forms import NOTES_MAX, AssessmentEditForm, EvidenceForm
from carenet.community.tests.conftest import make_assessment
from carenet.conftest import client_for

pytestmark = pytest.mark.usefixtures("reference")

REFUSED = {
    "en": "Ensure this value has at most 4000 characters",
    "uk": "Переконайтеся",
    "pl": "Upewnij się",
}


def _edit(notes: str) -> dict[str, str]:
    return {"issue": "Support space", "assessed_on": "2026-03-02", "notes": notes}


def test_the_limit_is_four_thousand_characters() -> None:
    assert NOTES_MAX == 4000
    assert AssessmentEditForm(_edit("x" * 4000)).is_valid()
    assert "notes" in AssessmentEditForm(_edit("x" * 4001)).errors


@pytest.mark.parametrize("language", ["en", "uk", "pl"])
def test_a_longer_note_is_refused_in_the_readers_language(language: str) -> None:
    with translation.override(language):
        form = AssessmentEditForm(_edit("x" * 4001))
        [message] = form.errors["notes"]
    assert REFUSED[language] in message and "4000" in message
    if language != "en":
        assert "Ensure" not in message


def test_an_evidence_note_has_the_same_limit() -> None:
    form = EvidenceForm({"note": "x" * 4001})
    assert "note" in form.errors


def test_the_edit_page_refuses_a_long_note_and_keeps_the_old_one(people: Any, areas: Any) -> None:
    assessment = make_assessment(people.focal_point, areas["irpin"], people.org_a)
    client = client_for(people.focal_point)
    client.cookies["django_language"] = "uk"
    response = client.post(
        reverse("community:assessment_edit", args=[assessment.uuid]),
        _edit("x" * 21_000),
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert response.status_code == 200
    assert REFUSED["uk"] in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.notes == ""
