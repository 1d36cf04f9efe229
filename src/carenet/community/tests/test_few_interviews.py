"""A readiness stage from fewer interviews than the model expects (typically 6 to 10) comes
with a warning, in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from carenet.community.tests.conftest import make_assessment
from carenet.conftest import client_for

pytestmark = pytest.mark.usefixtures("reference")

ROW = ["5", "4", "5", "4", "4.5", "6"]


def _page(people: Any, assessment: Any, language: str = "en") -> str:
    client = client_for(people.viewer)
    client.cookies["django_language"] = language
    url = reverse("community:assessment", args=[assessment.uuid])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_one_interview_warns_that_the_stage_may_not_hold(people: Any, areas: Any) -> None:
    assessment = make_assessment(people.focal_point, areas["irpin"], people.org_a, consensus=[ROW])
    page = _page(people, assessment)
    assert 'id="few-interviews"' in page
    assert "Based on 1 interview only" in page and "typically 6 to 10" in page


def test_five_interviews_still_warn(people: Any, areas: Any) -> None:
    assessment = make_assessment(
        people.focal_point, areas["irpin"], people.org_a, consensus=[ROW] * 5
    )
    assert "Based on 5 interviews only" in _page(people, assessment)


def test_six_interviews_do_not_warn(people: Any, areas: Any) -> None:
    assessment = make_assessment(
        people.focal_point, areas["irpin"], people.org_a, consensus=[ROW] * 6
    )
    assert 'id="few-interviews"' not in _page(people, assessment)


@pytest.mark.parametrize(("language", "words"), [("uk", "Лише 1 інтерв"), ("pl", "Tylko 1 wywiad")])
def test_the_warning_is_translated(people: Any, areas: Any, language: str, words: str) -> None:
    assessment = make_assessment(people.focal_point, areas["irpin"], people.org_a, consensus=[ROW])
    page = _page(people, assessment, language)
    warning = page[
        page.index('id="few-interviews"') : page.index("</p>", page.index("few-interviews"))
    ]
    assert words in warning and "Based on" not in warning
