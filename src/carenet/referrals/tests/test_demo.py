"""The demo builder: realistic referrals through the services, and the bulk path."""

from __future__ import annotations

import random
from typing import Any

from carenet.accounts.models import Role
from carenet.core.demo import DemoContext
from carenet.directory import demo as directory_demo
from carenet.referrals import demo
from carenet.referrals.models import Client, Consent, Referral, Status
from carenet.referrals.tests.conftest import World


def context(world: World, scale: str = "small") -> DemoContext:
    p = world.people
    ctx = DemoContext(seed=5, scale=scale, rng=random.Random(5), log=lambda m: None)
    ctx.organisations = [p.org_a, p.org_b, world.org_c]
    ctx.members = {
        p.org_a.pk: {Role.ORG_ADMIN.value: p.org_admin, Role.PRACTITIONER.value: p.practitioner},
        p.org_b.pk: {
            Role.ORG_ADMIN.value: world.receiver_admin,
            Role.PRACTITIONER.value: world.receiver_practitioner,
        },
        world.org_c.pk: {Role.ORG_ADMIN.value: world.third, Role.PRACTITIONER.value: world.third},
    }
    ctx.areas = [world.site.area]
    return ctx


def test_it_builds_referrals_in_many_states_through_the_services(
    world: World, taxonomies: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ctx = context(world)
    directory_demo.build(ctx)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo.build(ctx)
    assert callbacks == []  # the demo sends no e-mail
    referrals = Referral.objects.all()
    assert referrals.count() >= 6
    assert len({r.status for r in referrals}) >= 3
    sent = referrals.exclude(status__in=[Status.DRAFT])
    assert all(r.consent_id or r.consent_overridden for r in sent.exclude(sent_at=None))
    assert all(r.from_organisation_id != r.to_organisation_id for r in referrals)
    assert all(r.created_at <= (r.sent_at or r.created_at) for r in referrals)


def test_the_bulk_path_fills_one_inbox_and_keeps_the_rules(world: World) -> None:
    ctx = context(world, "national")
    ctx.organisations = [world.people.org_a, world.people.org_b, world.org_c]
    made = demo.bulk_referrals(ctx, 400, chunk=150)
    assert made == Referral.objects.count() == Client.objects.count() == 400
    assert Consent.objects.filter(purpose="share_referral").count() == 400
    hub = Referral.objects.filter(to_organisation=world.people.org_b).exclude(sent_at=None)
    assert hub.count() >= 300  # BETA is the only organisation with a service here
    assert not Referral.objects.filter(
        from_organisation=world.people.org_b, to_organisation=world.people.org_b
    ).exists()
    assert all(r.sent_at is None or r.created_at < r.sent_at for r in Referral.objects.all())
    assert len(set(Referral.objects.values_list("code", flat=True))) == 400
