"""Field work without a connection: a support space's checklist is filled in offline, kept on
the phone, and sent once when the connection returns; a retry after a lost answer does not
save twice; a checklist changed meanwhile comes back as a conflict, not an overwrite."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from carenet.accounts.models import Membership, Organisation, Role, User
from carenet.community import queries, services
from carenet.community.loaders import load_reference
from carenet.community.models import ChecklistItem, SupportOffer, SupportSpace
from carenet.community.services import ChecklistInput
from carenet.geo.models import AdminArea, BoundarySet
from carenet.offline.models import SyncReceipt
from tests_browser.conftest import screenshot, sign_in

PASSWORD = "offline-browser-test-2026"


@pytest.fixture
def space(transactional_db: None, settings: Any) -> SupportSpace:
    settings.CARENET_REQUIRE_2FA = False
    load_reference()
    ua = BoundarySet.objects.create(country="UA", version="browser-test")
    oblast = AdminArea.objects.create(
        pcode="UA32", level=1, path="UA32/", country="UA", boundary_set=ua, name_en="Kyivska"
    )
    irpin = AdminArea.objects.create(
        pcode="UA3208015",
        level=3,
        parent=oblast,
        path="UA32/UA3208015/",
        country="UA",
        boundary_set=ua,
        name_en="Irpinska",
    )
    org = Organisation.objects.create(name="Irpin Relief", acronym="IRL", kind="ngo", country="UA")
    for email in ("field@test.org", "office@test.org"):
        user = User.objects.create_user(email, PASSWORD)
        Membership.objects.create(user=user, organisation=org, role=Role.FOCAL_POINT)
    return services.space_create(
        actor=User.objects.get(email="field@test.org"),
        community=irpin,
        organisation=org,
        offers=list(SupportOffer.objects.all()[:2]),
        name="Taking Care of Myself — Irpin",
    )


def _done(space: SupportSpace) -> list[str]:
    return sorted(i.code for i, a in queries.readiness_of(space).items if a and a.done)


def _open_checklist_then_go_offline(page: Any, space: SupportSpace) -> str:
    sign_in(page, "field@test.org", PASSWORD)
    url = f"{page.base}/communities/spaces/{space.uuid}/checklist/"
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready")  # installed, and controls the next loads
    page.reload()
    page.context.set_offline(True)
    page.reload()  # served by the service worker from what was kept
    return url


def test_a_checklist_filled_in_offline_arrives_once(page: Any, space: SupportSpace) -> None:
    items = list(ChecklistItem.objects.all())
    _open_checklist_then_go_offline(page, space)
    page.check(f"input[name=done_{items[0].code}]")
    page.check(f"input[name=done_{items[1].code}]")
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_selector(".offline-kept")
    expect(page.locator(".offline-count")).to_contain_text("waiting to send: 1")
    page.reload()  # still offline: the entry stays, encrypted, on the device
    expect(page.locator(".offline-count")).to_contain_text("waiting to send: 1")
    stored = page.evaluate(
        """async () => new Promise((resolve) => {
          const req = indexedDB.open("carenet-offline", 1);
          req.onsuccess = () => {
            const get = req.result.transaction("entries").objectStore("entries").getAll();
            get.onsuccess = () => resolve(JSON.stringify(get.result.map((e) => Object.keys(e))));
          };
        })"""
    )
    assert "fields" not in stored and "data" in stored  # no readable answers on the device
    screenshot(page, "offline-checklist-waiting")
    assert _done(space) == []
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".offline-count")).to_have_text("")
    assert _done(space) == sorted([items[0].code, items[1].code])
    assert SyncReceipt.objects.count() == 1


def test_a_retry_after_a_lost_answer_does_not_save_twice(page: Any, space: SupportSpace) -> None:
    items = list(ChecklistItem.objects.all())
    url = _open_checklist_then_go_offline(page, space)
    page.check(f"input[name=done_{items[2].code}]")
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_selector(".offline-kept")
    lost = []

    def lose_the_answer(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server saves it...
            lost.append(True)
            route.abort()  # ...and the answer never reaches the phone
        else:
            route.continue_()

    page.route(url, lose_the_answer)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".offline-state")).to_contain_text("server")
    assert lost and _done(space) == [items[2].code]
    expect(page.locator(".offline-count")).to_contain_text(
        "waiting to send: 1"
    )  # not known to be saved
    page.click(".offline-send")
    expect(page.locator(".offline-count")).to_have_text("")
    assert _done(space) == [items[2].code] and SyncReceipt.objects.count() == 1


def test_a_checklist_changed_meanwhile_comes_back_as_a_conflict(
    page: Any, space: SupportSpace
) -> None:
    items = list(ChecklistItem.objects.all())
    _open_checklist_then_go_offline(page, space)
    page.check(f"input[name=done_{items[3].code}]")
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_selector(".offline-kept")
    office = User.objects.get(email="office@test.org")
    services.checklist_save(actor=office, space=space, answers={items[0]: ChecklistInput(True, "")})
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(".offline-problems li")
    assert "changed by someone else" in page.inner_text(".offline-problems")
    screenshot(page, "offline-checklist-conflict")
    assert _done(space) == [items[0].code]


@pytest.fixture
def cycle(transactional_db: None, settings: Any) -> dict[str, Any]:
    """An SH+ cycle of one support space with two participants, made through the services."""
    from carenet.accounts import services as account_services
    from carenet.directory import services as directory_services
    from carenet.outcomes import services as outcome_services
    from carenet.outcomes.loaders import load_instruments
    from carenet.outcomes.models import DeliveryKind
    from carenet.referrals import services as referral_services
    from carenet.taxonomy import queries as taxonomy
    from carenet.taxonomy.loaders import load_all

    settings.CARENET_REQUIRE_2FA = False
    load_all()
    load_instruments()
    ua = BoundarySet.objects.create(country="UA", version="browser-test")
    irpin = AdminArea.objects.create(
        pcode="UA3208015",
        level=3,
        path="UA3208015/",
        country="UA",
        boundary_set=ua,
        name_en="Irpinska",
    )
    org = account_services.organisation_create(
        actor=None, name="Alpha Support Space", acronym="ALPHA", kind="nngo", country="UA"
    )
    user = User.objects.create_user("field@test.org", PASSWORD)
    account_services.membership_set(actor=None, user=user, organisation=org, role=Role.PRACTITIONER)
    site = directory_services.site_create(
        actor=None,
        organisation=org,
        data={"name_en": "Irpin support space", "kind": "support_space", "area": irpin},
    )
    delivery = outcome_services.delivery_create(
        actor=user,
        organisation=org,
        site=site,
        intervention=taxonomy.term("intervention", "shplus"),
        kind=DeliveryKind.GROUP,
        started_on=datetime.date(2026, 11, 2),
        planned_sessions=5,
    )
    participants = [
        outcome_services.participant_add(
            actor=user,
            delivery=delivery,
            client=referral_services.client_register(
                actor=user,
                organisation=org,
                details=referral_services.ClientDetails(age_band="18-59", sex="female"),
            ),
        )
        for _ in range(2)
    ]
    return {"delivery": delivery, "participants": participants}


def test_attendance_and_a_who5_recorded_offline_arrive_once(
    page: Any, cycle: dict[str, Any]
) -> None:
    from carenet.outcomes import queries as outcome_queries
    from carenet.outcomes.models import Administration

    delivery, (first, second) = cycle["delivery"], cycle["participants"]
    sign_in(page, "field@test.org", PASSWORD)
    attendance = f"{page.base}/outcomes/deliveries/{delivery.uuid}/sessions/1/"
    who5 = f"{page.base}/outcomes/participants/{first.uuid}/questionnaires/WHO-5/"
    page.goto(attendance)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.goto(who5)  # both pages opened once while online
    page.context.set_offline(True)

    page.goto(attendance)  # served from the phone
    page.fill("input[name=held_on]", "2026-11-02")
    page.check(f"input[name=present][value='{first.uuid}']")
    page.check(f"input[name=present][value='{second.uuid}']")
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_selector(".offline-kept")

    page.goto(who5)
    page.select_option("select[name=timepoint]", "baseline")
    page.fill("input[name=taken_on]", "2026-11-02")
    for n in range(1, 6):
        page.check(f"input[name=item_{n}][value='3']")
    page.click("form[data-offline] button[type=submit]")
    page.wait_for_selector(".offline-kept")
    page.reload()  # still offline: both entries wait on the phone
    expect(page.locator(".offline-count")).to_contain_text("waiting to send: 2")
    screenshot(page, "offline-outcomes-waiting")
    assert not Administration.objects.exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".offline-count")).to_have_text("")
    expect(page.locator(".offline-state")).to_contain_text("All entries were sent")
    assert outcome_queries.present_at(delivery, 1) == {first.pk, second.pk}
    administration = Administration.objects.get()
    assert (administration.participant_id, administration.total) == (first.pk, 15)
    assert SyncReceipt.objects.count() == 2
