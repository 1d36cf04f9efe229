"""The public certificate shows the training's dates and hours and offers to print it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.cop import services
from carenet.cop.models import Curriculum

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 2)


def _certificate(people: People, ends_on: datetime.date, hours: str) -> Any:
    training = services.training_create(
        actor=people.focal_point,
        issuer=people.org_a,
        curriculum=Curriculum.objects.get(code="pfa"),
        title="PFA for support space staff",
        cop=None,
        starts_on=START,
        ends_on=ends_on,
        hours=Decimal(hours),
        place="Irpin",
    )
    people.practitioner.full_name = "Olena Kovalenko"
    people.practitioner.save()
    participant = services.participant_add(
        actor=people.focal_point, training=training, user=people.practitioner
    )
    services.participant_scores(
        actor=people.focal_point,
        participant=participant,
        pre_score=None,
        post_score=None,
        completed=True,
    )
    return services.certificate_issue(actor=people.focal_point, participant=participant)


def _page(certificate: Any, language: str = "en") -> str:
    client = client_for(None)
    client.cookies["django_language"] = language
    url = reverse("cop:certificate", args=[certificate.code])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _fact(page: str, id_: str) -> str:
    start = page.index(f'id="{id_}">') + len(f'id="{id_}">')
    return page[start : page.index("</", start)]


def test_a_one_day_training_shows_its_day_and_hours(people: People, reference: None) -> None:
    page = _page(_certificate(people, START, "8"))
    assert _fact(page, "cert-dates") == "2 March 2026"
    assert _fact(page, "cert-hours") == "8"


def test_a_longer_training_shows_its_first_and_last_day(people: People, reference: None) -> None:
    page = _page(_certificate(people, datetime.date(2026, 3, 4), "20.5"))
    assert _fact(page, "cert-dates") == "2 March 2026 – 4 March 2026"
    assert _fact(page, "cert-hours") == "20.5"


def test_it_offers_to_print_without_an_inline_script(people: People, reference: None) -> None:
    page = _page(_certificate(people, START, "8"))
    assert 'id="cert-print"' in page and "data-print" in page
    assert "Print or save as PDF" in page and "Ctrl+P" in page
    assert "cop/print.js" in page and "onclick" not in page
    assert finders.find("cop/print.js")
    css = Path(finders.find("carenet/carenet.css")).read_text(encoding="utf-8")
    assert ".no-print { display: none" in css  # the button and help stay off the paper


@pytest.mark.parametrize(
    ("language", "words"),
    [("uk", ("березня 2026", "Друкувати")), ("pl", ("marca 2026", "Drukuj"))],
)
def test_the_certificate_is_translated(
    people: People, reference: None, language: str, words: tuple[str, str]
) -> None:
    page = _page(_certificate(people, START, "8"), language)
    for word in words:
        assert word in page, word
    assert "Training dates" not in page
