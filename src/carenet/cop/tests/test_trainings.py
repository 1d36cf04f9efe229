"""Trainings, pre/post tests and verifiable certificates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carenet.accounts.models import User
from carenet.conftest import People, assert_access, client_for
from carenet.cop import services
from carenet.cop.models import Certificate, Curriculum, Training, TrainingParticipant

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(people: People, reference: None) -> Training:
    start = timezone.localdate() - datetime.timedelta(days=10)
    return services.training_create(
        actor=people.focal_point,
        issuer=people.org_a,
        curriculum=Curriculum.objects.get(code="pfa"),
        title="PFA for support space staff",
        cop=None,
        starts_on=start,
        ends_on=start,
        hours=Decimal(8),
        place="Irpin",
    )


@pytest.fixture
def completed(people: People, training: Training) -> TrainingParticipant:
    people.practitioner.full_name = "Olena Kovalenko"
    people.practitioner.save()
    participant = services.participant_add(
        actor=people.focal_point, training=training, user=people.practitioner
    )
    return services.participant_scores(
        actor=people.focal_point,
        participant=participant,
        pre_score=Decimal(40),
        post_score=Decimal(85),
        completed=True,
    )


def test_staff_who_may_train_record_trainings(people: People, reference: None, split: Any) -> None:
    assert_access(
        reverse("cop:training_new"),
        *split(people, "org_admin", "focal_point", "practitioner", "outsider"),
    )
    response = client_for(people.practitioner).post(
        reverse("cop:training_new"),
        {
            "curriculum": Curriculum.objects.get(code="shplus-facilitation").pk,
            "title": "SH+ facilitators",
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-03",
            "hours": "16",
        },
    )
    assert response.status_code == 302
    training = Training.objects.get()
    assert list(training.trainers.all()) == [people.practitioner]
    assert training.issuer == people.org_a


def test_training_form_refuses_bad_input(people: People, reference: None) -> None:
    # an id no curriculum has (ids are not reused on PostgreSQL, so 999 may exist)
    unknown = (Curriculum.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    response = client_for(people.focal_point).post(
        reverse("cop:training_new"),
        {
            "curriculum": str(unknown),
            "title": "",
            "starts_on": "2026-03-05",
            "ends_on": "2026-03-01",
            "hours": "-2",
        },
    )
    assert response.status_code == 200
    assert {"curriculum", "title", "ends_on", "hours"} <= set(response.context["form"].errors)


def test_training_pages_reach_trainers_participants_and_the_organisation(
    people: People, training: Training, completed: TrainingParticipant, split: Any
) -> None:
    url = reverse("cop:training", args=[training.uuid])
    assert_access(url, *split(people, "org_admin", "focal_point", "practitioner", "superuser"))
    participant_view = client_for(people.practitioner).get(url)
    assert participant_view.context["participants"] == []  # sees only their own scores
    assert participant_view.context["mine"] == completed
    manager_view = client_for(people.focal_point).get(url)
    assert list(manager_view.context["participants"]) == [completed]


def test_scores_are_checked(people: People, completed: TrainingParticipant) -> None:
    url = reverse("cop:scores", args=[completed.uuid])
    client = client_for(people.focal_point)
    for data in ({"pre_score": "-1"}, {"post_score": "101"}, {"pre_score": "abc"}):
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert client_for(people.practitioner).get(url).status_code == 404
    assert client_for(people.viewer).get(url).status_code == 404
    assert completed.gain == 45.0


def test_a_certificate_is_issued_verified_and_shows_only_four_facts(
    people: People, completed: TrainingParticipant
) -> None:
    response = client_for(people.focal_point).post(
        reverse("cop:certificate_issue", args=[completed.uuid])
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert len(certificate.code) >= 24
    public = client_for(None).get(reverse("cop:certificate", args=[certificate.code]))
    body = public.content.decode()
    assert public.status_code == 200 and public["X-Robots-Tag"].startswith("noindex")
    for shown in ("Olena Kovalenko", "PFA for support space staff", "Alpha Psychosocial"):
        assert shown in body
    for hidden in ("practitioner@alpha.org", "85.0", "40.0", "Pre-test", "Post-test", "Irpin"):
        assert hidden not in body
    verify = client_for(None).get(reverse("cop:certificate_verify"), {"code": certificate.code})
    assert verify.status_code == 302 and verify["Location"].endswith(f"/{certificate.code}/")


def test_unknown_or_malformed_codes_are_not_found(people: People, reference: None) -> None:
    client = client_for(None)
    assert client.get(reverse("cop:certificate", args=["A" * 24])).status_code == 404
    assert client.get(reverse("cop:certificate", args=["short"])).status_code == 404
    for code in ("A" * 24, "x", "<script>" * 3):
        response = client.get(reverse("cop:certificate_verify"), {"code": code})
        assert response.status_code in (200, 404)
        assert "/certificates/" not in response.get("Location", "")
    assert client.get(reverse("cop:certificate_verify")).status_code == 200


def test_revoked_certificates_say_so(people: People, completed: TrainingParticipant) -> None:
    certificate = services.certificate_issue(actor=people.focal_point, participant=completed)
    client_for(people.focal_point).post(reverse("cop:certificate_revoke", args=[completed.uuid]))
    body = (
        client_for(None).get(reverse("cop:certificate", args=[certificate.code])).content.decode()
    )
    assert "revoked" in body


def test_certificates_need_completion_a_name_and_a_manager(
    people: People, training: Training, completed: TrainingParticipant
) -> None:
    viewer = services.participant_add(
        actor=people.focal_point, training=training, user=people.viewer
    )
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=people.focal_point, participant=viewer)  # not completed
    services.participant_scores(
        actor=people.focal_point,
        participant=viewer,
        pre_score=None,
        post_score=None,
        completed=True,
    )
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=people.focal_point, participant=viewer)  # no name
    assert (
        client_for(people.practitioner)
        .post(reverse("cop:certificate_issue", args=[completed.uuid]))
        .status_code
        == 404
    )
    services.certificate_issue(actor=people.focal_point, participant=completed)
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=people.focal_point, participant=completed)


def test_people_are_invited_to_a_training_by_email(
    people: People, training: Training, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(people.focal_point)
    url = reverse("cop:participant_add", args=[training.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "ghost@nowhere.org"})
        client.post(reverse("cop:trainer_add", args=[training.uuid]), {"email": "admin@alpha.org"})
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@alpha.org", "ghost@nowhere.org"]
    assert not training.trainers.filter(email="admin@alpha.org").exists()  # not before accepting
    assert client_for(people.outsider).post(url, {"email": "viewer@alpha.org"}).status_code == 404


def test_the_practitioner_page_lists_trainings_with_certificates(
    people: People, completed: TrainingParticipant
) -> None:
    certificate = services.certificate_issue(actor=people.focal_point, participant=completed)
    body = client_for(people.practitioner).get(reverse("cop:me")).content.decode()
    assert "PFA for support space staff" in body and certificate.code in body
    assert User.objects.get(pk=people.practitioner.pk).full_name == "Olena Kovalenko"
