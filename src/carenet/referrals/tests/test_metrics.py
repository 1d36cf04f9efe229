"""Pathway metrics: counts for coordinators, small cells suppressed, consent to be counted."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from carenet.conftest import client_for
from carenet.referrals import metrics, rollup, services
from carenet.referrals.models import ConsentPurpose, Referral, Status
from carenet.referrals.tests.conftest import World, referral_in, share_consent


def counted(world: World, referral: Referral) -> Referral:
    share_consent(world, referral.client, purpose=ConsentPurpose.REPORTING, organisations=[])
    return referral


def rows_by(world: World, by: str, user=None) -> dict[tuple[str, str], dict]:
    rows = metrics.pathway_metrics(user or world.people.coordinator, by)
    return {(r["from"], r["to"]): r for r in rows if not r.get("total")}


def test_pathways_count_sent_accepted_completed_and_closed_loops(world: World) -> None:
    for status in [Status.COMPLETED] * 4 + [Status.DECLINED, Status.SENT, Status.IN_PROGRESS]:
        counted(world, referral_in(world, status))
    done = Referral.objects.filter(status=Status.COMPLETED)
    done.filter(pk__in=list(done.values_list("pk", flat=True)[:3])).update(
        loop_closed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    rollup.rebuild()  # the rows were changed behind the services' back
    row = rows_by(world, "organisation")[("ALPHA", "BETA")]
    assert row["sent"] == 7 and row["acknowledged"] == 6 and row["accepted"] == 5
    assert row["completed"] is None  # 4 < 5: suppressed
    assert row["outcomes"] == 5 and row["loops_closed"] is None  # 3 closed: suppressed
    assert row["loops_closed_share"] is None  # would give away the small numerator
    assert row["median_hours_to_acknowledge"] is not None
    assert row["started"] == 5 and row["median_hours_to_start"] is not None
    layer = rows_by(world, "layer")[("3", "4")]
    assert layer["sent"] == 7
    area = rows_by(world, "area")
    assert list(area) == [("Kyivska (UA32)", "Kyivska (UA32)")]


def test_people_who_did_not_agree_to_be_counted_are_left_out(world: World) -> None:
    for _ in range(6):
        referral_in(world, Status.SENT)
    assert rows_by(world, "organisation") == {}
    referral = counted(world, referral_in(world, Status.SENT))
    consent = referral.client.consents.get(purpose=ConsentPurpose.REPORTING)
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    assert rows_by(world, "organisation") == {}


def test_an_oblast_coordinator_counts_only_their_oblast(world: World) -> None:
    for _ in range(5):
        counted(world, referral_in(world, Status.SENT))
    assert (
        rows_by(world, "organisation", world.people.oblast_coordinator)[("ALPHA", "BETA")]["sent"]
        == 5
    )
    Referral.objects.update(area=None)
    rollup.rebuild()
    assert rows_by(world, "organisation", world.people.oblast_coordinator) == {}


def test_organisation_members_may_not_see_metrics(world: World) -> None:
    with pytest.raises(PermissionDenied):
        metrics.pathway_metrics(world.people.org_admin)


def test_small_pathways_fold_into_other_pathways(world: World) -> None:
    for _ in range(5):
        counted(world, referral_in(world, Status.SENT))
    for _ in range(2):
        referral = counted(world, referral_in(world, Status.SENT))
        Referral.objects.filter(pk=referral.pk).update(to_organisation=world.org_c)
    rollup.rebuild()
    rows = metrics.pathway_metrics(world.people.coordinator, "organisation")
    assert [(r["from"], r["to"]) for r in rows[:1]] == [("ALPHA", "BETA")]
    other = rows[1]
    assert other.get("other") and other["sent"] is None  # 2 referrals: suppressed
    assert rows[-1]["total"] and rows[-1]["sent"] == 7
    assert len(metrics.pathway_metrics(world.people.coordinator, "organisation", limit=0)) == 2


def test_the_metrics_page_shows_suppressed_cells(world: World) -> None:
    for _ in range(2):
        counted(world, referral_in(world, Status.SENT))
    page = client_for(world.people.coordinator).get(reverse("referrals:metrics")).content
    assert b"&lt;5" in page and b"Other pathways" in page and b"ALPHA" not in page
    data = (
        client_for(world.people.coordinator)
        .get(reverse("referrals:metrics") + "?by=layer&format=json")
        .json()
    )
    assert data["rows"][0]["sent"] is None
