"""FHIR R5 exports: valid for fhir.resources and for our own rules; no personal data."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from carenet.conftest import client_for
from carenet.referrals import fhir, services
from carenet.referrals.models import Status
from carenet.referrals.tests.conftest import NAME, PHONE, SUMMARY, World, referral_in


@pytest.mark.parametrize("state", list(Status))
def test_every_state_exports_a_valid_service_request_and_task(world: World, state: str) -> None:
    referral = referral_in(world, state)
    bundle = fhir.referral_bundle(referral)
    resources = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    sr, task = resources["ServiceRequest"], resources["Task"]
    assert sr["status"] == fhir.SERVICE_REQUEST_STATUS[state]
    assert task["status"] == fhir.TASK_STATUS[state]
    assert task["focus"]["reference"] == f"ServiceRequest/{referral.uuid}"
    assert sr["subject"]["identifier"]["value"] == referral.client.code
    assert sr["priority"] == "urgent"
    assert ("Consent" in resources) == (state != Status.DRAFT)  # the basis it was sent on
    text = json.dumps(bundle, ensure_ascii=False)
    for secret in (NAME, PHONE, "1990-05-17", SUMMARY, "Eight sessions"):
        assert secret not in text


def test_the_status_mapping_is_complete_and_in_the_value_sets() -> None:
    for state in Status:
        assert fhir.SERVICE_REQUEST_STATUS[state] in fhir.VALUE_SETS["ServiceRequest.status"]
        assert fhir.TASK_STATUS[state] in fhir.VALUE_SETS["Task.status"]
    assert fhir.TASK_STATUS[Status.DECLINED] == "rejected"
    assert fhir.TASK_STATUS[Status.NO_SHOW] == "failed"


def test_our_rules_catch_what_the_package_lets_through(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    sr = fhir.service_request(referral)
    assert fhir.validate(sr) == []
    wrong_status = dict(sr, status="sent")  # a valid `code`, not in the value set
    assert any("ServiceRequest.status" in e for e in fhir.validate(wrong_status))
    wrong_subject = dict(
        sr, subject={"reference": f"Organization/{referral.uuid}", "type": "Organization"}
    )
    assert any("ServiceRequest.subject" in e for e in fhir.validate(wrong_subject))
    mixed = dict(sr, requester={"reference": "Patient/x", "type": "Organization"})
    assert any("requester" in e for e in fhir.validate(mixed))
    task = fhir.task(referral)
    assert fhir.check_pair(sr, task) == []
    assert fhir.check_pair(sr, dict(task, status="completed"))
    assert fhir.validate({"resourceType": "Task", "status": "requested"})  # no intent


def test_a_withdrawn_consent_exports_as_inactive(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    assert fhir.consent_resource(referral.consent)["status"] == "active"
    services.consent_withdraw(actor=world.people.practitioner, consent=referral.consent)
    referral.consent.refresh_from_db()
    resource = fhir.consent_resource(referral.consent)
    assert resource["status"] == "inactive" and "end" in resource["period"]
    assert resource["grantee"][0]["reference"] == f"Organization/{world.people.org_b.uuid}"


def test_the_fhir_views_answer_fhir_json(world: World) -> None:
    referral = referral_in(world, Status.COMPLETED)
    response = client_for(world.receiver_practitioner).get(
        reverse("referrals:fhir", args=[referral.uuid])
    )
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["resourceType"] == "Bundle"
    response = client_for(world.people.practitioner).get(
        reverse("referrals:consent_fhir", args=[referral.consent.uuid])
    )
    assert response.json()["resourceType"] == "Consent"
    assert (
        client_for(world.receiver_practitioner)
        .get(reverse("referrals:consent_fhir", args=[referral.consent.uuid]))
        .status_code
        == 404
    )
