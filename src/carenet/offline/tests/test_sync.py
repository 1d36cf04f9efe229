"""Entries from a device's offline queue are saved once, and answered so the queue can tell."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.cop.management.commands.load_cop_reference import load_reference
from carenet.cop.models import CommunityOfPractice
from carenet.core.versions import Conflict
from carenet.offline.models import SyncReceipt

COP = {
    "name": "SH+ facilitators",
    "topic": "Self-Help Plus",
    "scope": "national",
    "visibility": "private",
    "area": "",
}
QUEUE = {"HTTP_X_CARENET_OFFLINE": "1"}


@pytest.fixture
def reference(db: None) -> None:
    load_reference()


def _send(client: Any, key: str, **extra: Any) -> Any:
    return client.post(reverse("cop:create"), COP, HTTP_X_IDEMPOTENCY_KEY=key, **QUEUE, **extra)


def test_an_entry_from_the_queue_is_saved_and_answered_as_saved(people: People, reference: None):
    response = _send(client_for(people.practitioner), str(uuid.uuid4()))
    assert response.status_code == 200
    data = response.json()
    assert data["saved"] is True and data["replayed"] is False
    cop = CommunityOfPractice.objects.get(name="SH+ facilitators")
    assert data["location"] == reverse("cop:detail", args=[cop.uuid])


def test_a_retry_after_a_lost_answer_saves_nothing_twice(people: People, reference: None):
    client = client_for(people.practitioner)
    key = str(uuid.uuid4())
    first, again = _send(client, key), _send(client, key)
    assert first.json()["saved"] and again.json() == {**first.json(), "replayed": True}
    assert CommunityOfPractice.objects.filter(name="SH+ facilitators").count() == 1
    assert SyncReceipt.objects.filter(user=people.practitioner).count() == 1


def test_a_double_submission_of_an_ordinary_form_saves_once(people: People, reference: None):
    client = client_for(people.practitioner)
    form = {**COP, "_idempotency_key": str(uuid.uuid4())}
    first = client.post(reverse("cop:create"), form)
    second = client.post(reverse("cop:create"), form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CommunityOfPractice.objects.filter(name="SH+ facilitators").count() == 1


def test_one_persons_key_is_not_another_persons_receipt(people: People, reference: None):
    key = str(uuid.uuid4())
    _send(client_for(people.practitioner), key)
    _send(client_for(people.org_admin), key)
    assert CommunityOfPractice.objects.filter(name="SH+ facilitators").count() == 2


def test_a_refused_form_leaves_no_receipt_so_a_corrected_entry_can_be_sent(
    people: People, reference: None
):
    client = client_for(people.practitioner)
    key = str(uuid.uuid4())
    refused = client.post(
        reverse("cop:create"), {**COP, "scope": "galactic"}, HTTP_X_IDEMPOTENCY_KEY=key, **QUEUE
    )
    assert refused.status_code == 200 and b"errorlist" in refused.content
    assert not SyncReceipt.objects.exists()
    assert _send(client, key).json()["saved"] is True


def test_a_key_used_for_another_form_is_refused_with_a_reason(people: People, reference: None):
    client = client_for(people.practitioner)
    key = str(uuid.uuid4())
    _send(client, key)
    other = client.post(reverse("cop:list"), {}, HTTP_X_IDEMPOTENCY_KEY=key, **QUEUE)
    assert other.status_code == 409
    assert "another form" in other.json()["message"]


def test_an_outsider_gets_not_found_for_an_entry_on_anothers_record(
    people: People, reference: None
):
    cop_url = _send(client_for(people.practitioner), str(uuid.uuid4())).json()["location"]
    response = client_for(people.outsider).post(
        cop_url + "edit/", COP, HTTP_X_IDEMPOTENCY_KEY=str(uuid.uuid4()), **QUEUE
    )
    assert response.status_code == 404
    assert not SyncReceipt.objects.filter(user=people.outsider).exists()


def test_a_conflict_is_answered_with_its_message(people: People, rf: Any):
    from carenet.offline.sync import IdempotencyMiddleware

    request = rf.post("/outcomes/x/", {}, HTTP_X_CARENET_OFFLINE="1")
    request.user = people.practitioner
    response = IdempotencyMiddleware(lambda r: None).process_exception(  # type: ignore[arg-type]
        request, Conflict("The session was changed meanwhile.")
    )
    assert response is not None and response.status_code == 409
    assert b"changed meanwhile" in response.content


def test_the_manifest_and_service_worker_answer(client: Any, db: None):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == reverse("offline:start")
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert b'"/outcomes/"' in worker.content and b"caches.open" in worker.content


def test_the_entry_key_is_the_persons_own_and_needs_a_sign_in(client: Any, people: People):
    assert client.get(reverse("offline:key")).status_code == 401
    mine = client_for(people.practitioner).get(reverse("offline:key")).json()
    again = client_for(people.practitioner).get(reverse("offline:key")).json()
    theirs = client_for(people.outsider).get(reverse("offline:key")).json()
    assert len(base64.b64decode(mine["key"])) == 32
    assert mine["key"] == again["key"] and mine["key"] != theirs["key"]
    assert mine["device"] != theirs["device"]


def test_signing_out_clears_what_the_browser_kept(people: People):
    response = client_for(people.practitioner).post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_signed_in_pages_carry_the_offline_shell_and_public_pages_do_not(
    client: Any, people: People
):
    page = client_for(people.practitioner).get(reverse("core:home"))
    assert b'id="offline-shell"' in page.content and b"manifest.webmanifest" in page.content
    assert b'id="offline-shell"' not in client.get(reverse("core:home")).content
