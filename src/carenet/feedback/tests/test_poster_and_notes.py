"""The printable poster's QR code, responding to feedback and the public notes."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import segno
import zxingcpp
from PIL import Image

from carenet.conftest import People, assert_access, client_for
from carenet.feedback import services
from carenet.feedback.models import Feedback, PublicNote, Theme
from carenet.feedback.tests.conftest import anonymous, feedback_data
from carenet.feedback.views import QR_OPTIONS

pytestmark = pytest.mark.django_db


def _decode(qr: segno.QRCode) -> str:
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=4)
    buffer.seek(0)
    results = zxingcpp.read_barcodes(Image.open(buffer).convert("L"))
    assert len(results) == 1
    return results[0].text


def _svg(page: str) -> str:
    match = re.search(r"<svg.*?</svg>", page, re.DOTALL)
    assert match
    return match.group(0)


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "How was your visit?"),
        ("uk", "Як пройшов ваш візит?"),
        ("pl", "Jak minęła Twoja wizyta?"),
    ],
)
def test_the_poster_encodes_the_form_address(site: Any, lang: str, title: str) -> None:
    response = anonymous().get(f"/feedback/{site.uuid}/poster/?lang={lang}", HTTP_HOST="testserver")
    assert response.status_code == 200
    page = response.content.decode()
    assert title in page
    url = f"http://testserver/feedback/{site.uuid}/"
    expected = segno.make(url, error="m")
    assert _svg(page) == _svg(expected.svg_inline(**QR_OPTIONS))
    assert _decode(expected) == url
    assert anonymous().get(url).status_code == 200


def test_a_service_poster_encodes_the_service_form(service: Any) -> None:
    page = (
        anonymous()
        .get(f"/feedback/service/{service.uuid}/poster/", HTTP_HOST="testserver")
        .content.decode()
    )
    url = f"http://testserver/feedback/service/{service.uuid}/"
    assert _svg(page) == _svg(segno.make(url, error="m").svg_inline(**QR_OPTIONS))


def test_an_unknown_poster_language_falls_back(site: Any) -> None:
    response = anonymous().get(f"/feedback/{site.uuid}/poster/?lang=xx")
    assert response.status_code == 200 and "How was your visit?" in response.content.decode()


def _feedback(site: Any) -> Feedback:
    anonymous().post(f"/feedback/{site.uuid}/", feedback_data(site, contact="+380 50 000 00 00"))
    return Feedback.objects.get()


def test_feedback_reaches_admins_and_focal_points_only(
    people: People, site: Any, split: Any
) -> None:
    item = _feedback(site)
    allowed, denied = split(people, "org_admin", "focal_point", "superuser")
    assert_access(f"/feedback/inbox/{item.uuid}/", allowed, denied)
    assert_access(
        "/feedback/inbox/",
        {"focal_point": people.focal_point},
        {"viewer": people.viewer, "coordinator": people.coordinator},
    )


def test_the_manager_responds_and_the_public_note_shows(people: People, site: Any) -> None:
    item = _feedback(site)
    theme = Theme.objects.get(code="waiting_time")
    response = client_for(people.focal_point).post(
        f"/feedback/inbox/{item.uuid}/",
        {
            "themes": [theme.pk],
            "response": "Called back.",
            "you_said": "Queues too long",
            "we_did": "Booking by phone",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert list(item.themes.all()) == [theme] and item.responded_at
    for url in (f"/feedback/{site.uuid}/", f"/feedback/{site.uuid}/notes/"):
        page = anonymous().get(url).content.decode()
        assert "Queues too long" in page and "Booking by phone" in page


def test_a_note_needs_both_parts_and_plain_text(people: People, site: Any) -> None:
    item = _feedback(site)
    client = client_for(people.focal_point)
    for data in ({"you_said": "Only this"}, {"you_said": "<b>x</b>", "we_did": "y"}):
        assert client.post(f"/feedback/inbox/{item.uuid}/", data).status_code == 200
    assert not PublicNote.objects.exists()


def test_a_viewer_or_outsider_cannot_respond(people: People, site: Any) -> None:
    item = _feedback(site)
    for user in (people.viewer, people.outsider, people.coordinator):
        response = client_for(user).post(
            f"/feedback/inbox/{item.uuid}/", {"you_said": "a", "we_did": "b"}
        )
        assert response.status_code in (403, 404)
    assert not PublicNote.objects.exists()


def test_a_note_can_be_withdrawn_by_its_organisation_only(people: People, site: Any) -> None:
    note = services.note_publish(actor=people.org_admin, site=site, you_said="a", we_did="b")
    assert (
        client_for(people.outsider).post(f"/feedback/notes/{note.uuid}/withdraw/").status_code
        == 404
    )
    assert (
        client_for(people.focal_point).post(f"/feedback/notes/{note.uuid}/withdraw/").status_code
        == 302
    )
    assert "a" not in [n.you_said for n in PublicNote.objects.filter(is_published=True)]
