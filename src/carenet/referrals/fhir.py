"""FHIR R5 shapes: a referral as ServiceRequest + Task, a consent as Consent.

Every resource is validated by `fhir.resources` (structure and data types) and by our own
rules, which the package does not check: the status and intent codes of each resource's
required value sets, the resource types that each reference may point to, and that the
Task's status agrees with the ServiceRequest's.

The person appears only as a pseudonymous reference (`Patient/<client uuid>` with the client
code as identifier): no name, phone, date of birth, reason or feedback is ever exported.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.bundle import Bundle
from fhir.resources.consent import Consent as FhirConsent
from fhir.resources.servicerequest import ServiceRequest
from fhir.resources.task import Task

from carenet.referrals.models import Consent, ConsentGiver, ConsentPurpose, Referral, Status

SYSTEM = "https://carenet.example.org/fhir"  # our code systems; stable, not resolvable

SERVICE_REQUEST_STATUS = {
    Status.DRAFT: "draft",
    Status.SENT: "active",
    Status.ACKNOWLEDGED: "active",
    Status.ACCEPTED: "active",
    Status.IN_PROGRESS: "active",
    Status.COMPLETED: "completed",
    Status.DECLINED: "revoked",
    Status.CANCELLED: "revoked",
    Status.NO_SHOW: "revoked",
    Status.REVOKED: "revoked",
}
TASK_STATUS = {
    Status.DRAFT: "draft",
    Status.SENT: "requested",
    Status.ACKNOWLEDGED: "received",
    Status.ACCEPTED: "accepted",
    Status.DECLINED: "rejected",
    Status.IN_PROGRESS: "in-progress",
    Status.COMPLETED: "completed",
    Status.CANCELLED: "cancelled",
    Status.NO_SHOW: "failed",
    Status.REVOKED: "cancelled",
}
PRIORITY = {"emergency": "stat", "urgent": "urgent", "routine": "routine"}
PURPOSE_OF_USE = {  # HL7 v3 ActReason (PurposeOfUse)
    ConsentPurpose.SHARE_REFERRAL: ("TREAT", "treatment"),
    ConsentPurpose.FOLLOW_UP: ("CAREMGT", "care management"),
    ConsentPurpose.REPORTING: ("PUBHLTH", "public health"),
}

# The required value sets (R5) our rules check.
VALUE_SETS = {
    "ServiceRequest.status": {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    "ServiceRequest.intent": {
        "proposal",
        "plan",
        "directive",
        "order",
        "original-order",
        "reflex-order",
        "filler-order",
        "instance-order",
        "option",
    },
    "ServiceRequest.priority": {"routine", "urgent", "asap", "stat"},
    "Task.status": {
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    },
    "Task.intent": {
        "unknown",
        "proposal",
        "plan",
        "order",
        "original-order",
        "reflex-order",
        "filler-order",
        "instance-order",
        "option",
    },
    "Consent.status": {"draft", "active", "inactive", "not-done", "entered-in-error", "unknown"},
    "Consent.decision": {"deny", "permit"},
}
# Which resource types each reference may point to.
REFERENCE_TYPES = {
    "ServiceRequest.subject": {"Patient"},
    "ServiceRequest.requester": {"Organization", "Practitioner", "PractitionerRole"},
    "ServiceRequest.performer": {"Organization", "HealthcareService", "PractitionerRole"},
    "Task.focus": {"ServiceRequest"},
    "Task.for": {"Patient"},
    "Task.requester": {"Organization", "Practitioner", "PractitionerRole"},
    "Task.owner": {"Organization", "HealthcareService", "PractitionerRole"},
    "Consent.subject": {"Patient"},
    "Consent.grantor": {"Patient", "RelatedPerson"},
    "Consent.grantee": {"Organization"},
    "Consent.controller": {"Organization"},
}


class FhirInvalid(ValueError):
    """A resource that `fhir.resources` or our rules refuse; `errors` says why."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def _ref(kind: str, uuid: Any, display: str = "") -> dict[str, Any]:
    ref: dict[str, Any] = {"reference": f"{kind}/{uuid}", "type": kind}
    if display:
        ref["display"] = display
    return ref


def _patient(referral_or_consent: Referral | Consent) -> dict[str, Any]:
    client = referral_or_consent.client
    return {
        **_ref("Patient", client.uuid),
        "identifier": {"system": f"{SYSTEM}/client-code", "value": client.code},
    }


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def service_request(referral: Referral) -> dict[str, Any]:
    """The referral as a FHIR R5 ServiceRequest (no personal data)."""
    codings = [{"system": f"{SYSTEM}/iasc-4w", "code": c} for c in referral.activity_codes]
    if referral.layer:
        codings.append({"system": f"{SYSTEM}/pyramid-layer", "code": referral.layer})
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(referral.uuid),
        "identifier": [{"system": f"{SYSTEM}/referral-code", "value": referral.code}],
        "status": SERVICE_REQUEST_STATUS[Status(referral.status)],
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "category": [
            {
                "coding": [
                    {
                        "system": "http://snomed.info/sct",
                        "code": "3457005",
                        "display": "Patient referral",
                    }
                ]
            }
        ],
        "subject": _patient(referral),
        "requester": _ref(
            "Organization", referral.from_organisation.uuid, referral.from_organisation.acronym
        ),
        "authoredOn": _when(referral.sent_at or referral.created_at),
    }
    if codings:
        resource["code"] = {"concept": {"coding": codings}}
    performers = []
    if referral.to_organisation is not None:
        performers.append(
            _ref("Organization", referral.to_organisation.uuid, referral.to_organisation.acronym)
        )
    if referral.service is not None:
        performers.append(_ref("HealthcareService", referral.service.uuid))
    if performers:
        resource["performer"] = performers
    if referral.consent is not None:
        resource["supportingInfo"] = [{"reference": _ref("Consent", referral.consent.uuid)}]
    return resource


def task(referral: Referral) -> dict[str, Any]:
    """The referral's workflow as a FHIR R5 Task focused on its ServiceRequest."""
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"{referral.uuid}-task",
        "identifier": [{"system": f"{SYSTEM}/referral-code", "value": referral.code}],
        "status": TASK_STATUS[Status(referral.status)],
        "businessStatus": {
            "coding": [{"system": f"{SYSTEM}/referral-status", "code": referral.status}]
        },
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "focus": _ref("ServiceRequest", referral.uuid),
        "for": _patient(referral),
        "authoredOn": _when(referral.sent_at or referral.created_at),
        "lastModified": _when(referral.updated_at),
        "requester": _ref(
            "Organization", referral.from_organisation.uuid, referral.from_organisation.acronym
        ),
    }
    if referral.to_organisation is not None:
        resource["owner"] = _ref(
            "Organization", referral.to_organisation.uuid, referral.to_organisation.acronym
        )
    if referral.outcome:
        resource["output"] = [
            {
                "type": {"coding": [{"system": f"{SYSTEM}/task-output", "code": "outcome"}]},
                "valueCodeableConcept": {
                    "coding": [{"system": f"{SYSTEM}/referral-outcome", "code": referral.outcome}]
                },
            }
        ]
    return resource


def consent(record: Consent) -> dict[str, Any]:
    """A consent as a FHIR R5 Consent: active while valid, inactive once withdrawn/expired."""
    code, display = PURPOSE_OF_USE[ConsentPurpose(record.purpose)]
    end = record.withdrawn_at or None
    period: dict[str, Any] = {"start": _when(record.given_at)}
    if end:
        period["end"] = _when(end)
    elif record.valid_until:
        period["end"] = record.valid_until.isoformat()
    grantor = (
        _patient(record)
        if record.given_by == ConsentGiver.PERSON
        else {"type": "RelatedPerson", "display": "parent or guardian"}
    )
    orgs = [_ref("Organization", o.uuid, o.acronym) for o in record.organisations.all()]
    return {
        "resourceType": "Consent",
        "id": str(record.uuid),
        "status": "active" if record.is_valid() else "inactive",
        "category": [
            {
                "coding": [
                    {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
                ]
            }
        ],
        "subject": _patient(record),
        "date": timezone.localdate(record.given_at).isoformat(),
        "period": period,
        "grantor": [grantor],
        "grantee": orgs,
        "controller": [
            _ref(
                "Organization", record.client.organisation.uuid, record.client.organisation.acronym
            )
        ],
        "decision": "permit",
        "extension": [
            {"url": f"{SYSTEM}/StructureDefinition/consent-method", "valueCode": record.method}
        ],
        "provision": [
            {
                "purpose": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                        "code": code,
                        "display": display,
                    },
                    {"system": f"{SYSTEM}/consent-purpose", "code": record.purpose},
                ],
                **({"actor": [{"reference": o} for o in orgs]} if orgs else {}),
            }
        ],
    }


# --- validation ------------------------------------------------------------------------------

_MODELS: dict[str, Any] = {"ServiceRequest": ServiceRequest, "Task": Task, "Consent": FhirConsent}


def validate(resource: dict[str, Any]) -> list[str]:
    """Errors in `resource`: the package's structural checks, then our own rules."""
    kind = resource.get("resourceType", "")
    model = _MODELS.get(kind)
    if model is None:
        return [f"unsupported resourceType {kind!r}"]
    try:
        model.model_validate(resource)
    except ValueError as exc:
        return [f"{kind}: {exc}"]
    return _check_codes(kind, resource) + _check_references(kind, resource)


def _check_codes(kind: str, resource: dict[str, Any]) -> list[str]:
    errors = []
    for path, allowed in VALUE_SETS.items():
        owner, element = path.split(".")
        if owner == kind and element in resource and resource[element] not in allowed:
            errors.append(f"{path}: {resource[element]!r} is not in the value set")
    return errors


def _references(resource: dict[str, Any], element: str) -> list[dict[str, Any]]:
    value = resource.get(element)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [i for i in items if isinstance(i, dict)]


def _check_references(kind: str, resource: dict[str, Any]) -> list[str]:
    errors = []
    for path, allowed in REFERENCE_TYPES.items():
        owner, element = path.split(".")
        if owner != kind:
            continue
        for ref in _references(resource, element):
            target = ref.get("type") or str(ref.get("reference", "")).split("/")[0]
            literal = str(ref.get("reference", "")).split("/")[0]
            if target not in allowed or (literal and literal != target):
                errors.append(f"{path}: may not point to {target or literal or '?'}")
    return errors


def check_pair(service_request_: dict[str, Any], task_: dict[str, Any]) -> list[str]:
    """The Task must focus on this ServiceRequest and have a status that agrees with it."""
    errors = []
    if task_.get("focus", {}).get("reference") != f"ServiceRequest/{service_request_['id']}":
        errors.append("Task.focus: does not point to the ServiceRequest")
    pairs = {(SERVICE_REQUEST_STATUS[s], TASK_STATUS[s]) for s in Status}
    if (service_request_.get("status"), task_.get("status")) not in pairs:
        errors.append("Task.status: does not agree with ServiceRequest.status")
    return errors


def referral_bundle(referral: Referral) -> dict[str, Any]:
    """A collection Bundle: the ServiceRequest, its Task and (when sent on one) the Consent.

    Raises FhirInvalid if anything fails validation (a bug, never the user's input).
    """
    sr, tk = service_request(referral), task(referral)
    resources = [sr, tk]
    if referral.consent is not None:
        resources.append(consent(referral.consent))
    errors = check_pair(sr, tk)
    for resource in resources:
        errors += validate(resource)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _when(timezone.now()),
        "entry": [
            {
                "fullUrl": f"{settings.CARENET_SITE_URL.rstrip('/')}/fhir/"
                f"{r['resourceType']}/{r['id']}",
                "resource": r,
            }
            for r in resources
        ],
    }
    try:
        Bundle.model_validate(bundle)
    except ValueError as exc:
        errors.append(f"Bundle: {exc}")
    if errors:
        raise FhirInvalid(errors)
    return bundle


def consent_resource(record: Consent) -> dict[str, Any]:
    """One consent as a validated FHIR Consent (raises FhirInvalid)."""
    resource = consent(record)
    errors = validate(resource)
    if errors:
        raise FhirInvalid(errors)
    return resource
