"""Referral test data, made through the real services of directory and referrals.

ALPHA (the personas' organisation) refers its clients; BETA (the outsider's organisation)
runs a specialised service in Lviv and receives them; GAMMA is a third organisation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from carenet.accounts import services as account_services
from carenet.accounts.models import Organisation, Role, User
from carenet.conftest import People, make_user
from carenet.directory import services as directory_services
from carenet.geo.models import AdminArea
from carenet.referrals import services
from carenet.referrals.models import Client, Consent, ConsentPurpose, Referral, Status
from carenet.taxonomy.models import Scheme, Term

TERMS = {
    "pyramid-layer": [
        ("2", "Community and family supports"),
        ("3", "Focused supports"),
        ("4", "Specialised services"),
    ],
    "iasc-4w": [("3.1", "Psychological first aid"), ("10.1", "Specialised, non-pharmacological")],
    "intervention": [("cbt", "Cognitive behavioural therapy"), ("shp", "Self-Help Plus")],
    "target-group": [("veterans", "Veterans"), ("children", "Children")],
    "language": [("uk", "Ukrainian"), ("pl", "Polish"), ("en", "English")],
    "delivery-mode": [("in-person", "In person")],
}
NAME = "Olena Kovalenko-Testova"
PHONE = "+380 67 123 4567"
SUMMARY = "Panic attacks since the evacuation; sleeps two hours a night."

# How to reach each state from a fresh draft: (transition, side that acts).
PATHS: dict[str, list[tuple[str, str]]] = {
    Status.DRAFT: [],
    Status.SENT: [("send", "sender")],
    Status.ACKNOWLEDGED: [("send", "sender"), ("acknowledge", "receiver")],
    Status.ACCEPTED: [("send", "sender"), ("acknowledge", "receiver"), ("accept", "receiver")],
    Status.DECLINED: [("send", "sender"), ("acknowledge", "receiver"), ("decline", "receiver")],
    Status.IN_PROGRESS: [
        ("send", "sender"),
        ("acknowledge", "receiver"),
        ("accept", "receiver"),
        ("start", "receiver"),
    ],
    Status.COMPLETED: [
        ("send", "sender"),
        ("acknowledge", "receiver"),
        ("accept", "receiver"),
        ("start", "receiver"),
        ("complete", "receiver"),
    ],
    Status.NO_SHOW: [
        ("send", "sender"),
        ("acknowledge", "receiver"),
        ("accept", "receiver"),
        ("no_show", "receiver"),
    ],
    Status.CANCELLED: [("send", "sender"), ("cancel", "sender")],
    Status.REVOKED: [("send", "sender"), ("revoke", "sender_admin")],
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; the personas' passwords need not be (force_login is used)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    people: People
    org_c: Organisation
    receiver_admin: User
    receiver_practitioner: User  # = people.outsider, practitioner of BETA
    receiver_focal: User
    receiver_viewer: User
    third: User  # practitioner of GAMMA
    service: Any
    site: Any
    terms: dict[str, dict[str, Term]]

    def actor(self, side: str) -> User:
        return {
            "sender": self.people.practitioner,
            "sender_admin": self.people.org_admin,
            "receiver": self.receiver_practitioner,
        }[side]


def _terms() -> dict[str, dict[str, Term]]:
    out: dict[str, dict[str, Term]] = {}
    for scheme_code, rows in TERMS.items():
        scheme = Scheme.objects.filter(code=scheme_code, is_current=True).first() or (
            Scheme.objects.create(code=scheme_code, version="test", name_en=scheme_code)
        )
        out[scheme_code] = {}
        for i, (code, label) in enumerate(rows):
            term, _ = Term.objects.get_or_create(
                scheme=scheme, code=code, defaults={"label_en": label, "sort_order": i}
            )
            out[scheme_code][code] = term
    return out


def _member(email: str, org: Organisation, role: Role) -> User:
    user = make_user(email)
    account_services.membership_set(actor=None, user=user, organisation=org, role=role)
    return user


@pytest.fixture
def world(people: People, areas: dict[str, AdminArea]) -> World:
    for key, lat, lon in [("irpin", 50.52, 30.25), ("lviv", 49.84, 24.03)]:
        AdminArea.objects.filter(pk=areas[key].pk).update(lat=lat, lon=lon)
        areas[key].refresh_from_db()
    terms = _terms()
    org_c = account_services.organisation_create(
        actor=None, name="Gamma Support", acronym="GAMMA", kind="cbo", country="UA"
    )
    site = directory_services.site_create(
        actor=None,
        organisation=people.org_b,
        data={
            "name_en": "Lviv Clinic",
            "kind": "clinic",
            "area": areas["lviv"],
            "lat": 49.84,
            "lon": 24.03,
        },
    )
    service = directory_services.service_create(
        actor=None,
        organisation=people.org_b,
        sites=[site],
        data={
            "name_en": "CBT for adults",
            "layer": terms["pyramid-layer"]["4"],
            "age_min": 18,
            "waiting_days": 10,
            "last_verified": timezone.localdate() - datetime.timedelta(days=2),
        },
        m2m={
            "activities": [terms["iasc-4w"]["10.1"]],
            "languages": [terms["language"]["uk"]],
            "interventions": [terms["intervention"]["cbt"]],
        },
    )
    return World(
        people=people,
        org_c=org_c,
        receiver_admin=_member("admin@beta.org", people.org_b, Role.ORG_ADMIN),
        receiver_practitioner=people.outsider,
        receiver_focal=_member("focal@beta.org", people.org_b, Role.FOCAL_POINT),
        receiver_viewer=_member("viewer@beta.org", people.org_b, Role.VIEWER),
        third=_member("practitioner@gamma.org", org_c, Role.PRACTITIONER),
        service=service,
        site=site,
        terms=terms,
    )


def make_client(world: World, **extra: Any) -> Client:
    fields: dict[str, Any] = {
        "age_band": "18-59",
        "sex": "female",
        "languages": ["uk"],
        "area": AdminArea.objects.get(pcode="UA3208015"),
        "name": NAME,
        "phone": PHONE,
        "date_of_birth": datetime.date(1990, 5, 17),
    }
    fields.update(extra)
    return services.client_register(
        actor=world.people.practitioner,
        organisation=world.people.org_a,
        details=services.ClientDetails(**fields),
    )


def share_consent(world: World, client: Client, **extra: Any) -> Consent:
    fields: dict[str, Any] = {
        "purpose": ConsentPurpose.SHARE_REFERRAL,
        "given_by": "person",
        "method": "verbal",
        "organisations": [world.people.org_b],
        "shared_fields": ["name", "phone"],
    }
    fields.update(extra)
    return services.consent_record(actor=world.people.practitioner, client=client, **fields)


def make_draft(world: World, client: Client | None = None, **need: Any) -> Referral:
    client = client or make_client(world)
    fields: dict[str, Any] = {
        "urgency": "urgent",
        "activity_codes": ["10.1"],
        "layer": "4",
        "from_layer": "3",
        "summary": SUMMARY,
    }
    fields.update(need)
    referral = services.referral_create(actor=world.people.practitioner, client=client, **fields)
    return services.referral_choose_service(
        actor=world.people.practitioner, referral=referral, service=world.service, site=world.site
    )


ARGS = {
    "decline": {"reason": "No places this month"},
    "no_show": {"reason": "Did not come"},
    "cancel": {"reason": "Moved away"},
    "revoke": {"reason": "Sent in error"},
    "complete": {"outcome": "service_completed", "feedback": "Eight sessions; much better."},
}


def referral_in(world: World, status: str, *, consent: bool = True) -> Referral:
    """A referral brought to `status` through the real transitions."""
    referral = make_draft(world)
    if consent:
        share_consent(world, referral.client)
    for name, side in PATHS[status]:
        referral = services.referral_transition(
            actor=world.actor(side), referral=referral, name=name, **ARGS.get(name, {})
        )
    assert referral.status == status
    return referral
