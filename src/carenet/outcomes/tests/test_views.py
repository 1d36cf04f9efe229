from __future__ import annotations

import io
import uuid
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from carenet.conftest import assert_access, client_for
from carenet.outcomes import services
from carenet.outcomes.models import Administration, Delivery, SafetyFlag
from carenet.outcomes.tests.conftest import DAY, World

pytestmark = pytest.mark.django_db

CLINICAL = ("org_admin", "practitioner")


def test_delivery_pages_are_for_the_organisations_practitioners_only(
    world: World, split: object
) -> None:
    delivery = world.cycle(1)
    participant = delivery.participants.get()
    # the lists are per organisation: the outsider reaches their own organisation's
    allowed, denied = split(world.people, *CLINICAL, "outsider")  # type: ignore[operator]
    for url in [reverse("outcomes:deliveries"), reverse("outcomes:delivery_new")]:
        assert_access(url, allowed, denied)
    allowed, denied = split(world.people, *CLINICAL)  # type: ignore[operator]
    for url in [
        reverse("outcomes:delivery", args=[delivery.uuid]),
        reverse("outcomes:attendance", args=[delivery.uuid, 1]),
        reverse("outcomes:questionnaire", args=[participant.uuid, "PHQ-9"]),
    ]:
        assert_access(url, allowed, denied)


def test_forged_and_foreign_ids_are_not_found(world: World) -> None:
    delivery = world.cycle(1)
    outsider = client_for(world.people.outsider)
    practitioner = client_for(world.people.practitioner)
    assert outsider.get(reverse("outcomes:delivery", args=[delivery.uuid])).status_code == 404
    assert practitioner.get(reverse("outcomes:delivery", args=[uuid.uuid4()])).status_code == 404
    p = delivery.participants.get()
    url = reverse("outcomes:questionnaire", args=[p.uuid, "PHQ-9"])
    assert (
        outsider.post(url, {"timepoint": "baseline", "taken_on": "2026-03-02"}).status_code == 404
    )
    assert not Administration.objects.exists()
    unknown = reverse("outcomes:questionnaire", args=[p.uuid, "SDQ"])
    assert practitioner.get(unknown).status_code == 404


def test_a_practitioner_runs_a_cycle_through_the_forms(world: World) -> None:
    web = client_for(world.people.practitioner)
    response = web.post(
        reverse("outcomes:delivery_new"),
        {
            "kind": "group",
            "intervention": "shplus",
            "site": str(world.site_a.uuid),
            "started_on": "2026-03-02",
            "planned_sessions": "5",
        },
    )
    delivery = Delivery.objects.get()
    assert response["Location"] == reverse("outcomes:delivery", args=[delivery.uuid])
    client = world.client()
    web.post(
        reverse("outcomes:participant_add", args=[delivery.uuid]), {"client_code": client.code}
    )
    p = delivery.participants.get()
    web.post(
        reverse("outcomes:attendance", args=[delivery.uuid, 1]),
        {"held_on": "2026-03-02", "present": [str(p.uuid)]},
    )
    url = reverse("outcomes:questionnaire", args=[p.uuid, "WHO-5"])
    answers = {f"item_{n}": "2" for n in range(1, 6)}
    web.post(url, {"timepoint": "baseline", "taken_on": "2026-03-02", **answers})
    answers = {f"item_{n}": "4" for n in range(1, 6)}
    response = web.post(url, {"timepoint": "end", "taken_on": "2026-04-06", **answers})
    assert response.status_code == 302  # a reload of the result page records nothing again
    result = web.get(response["Location"])
    assert b"20" in result.content and Administration.objects.count() == 2
    assert client_for(world.people.outsider).get(response["Location"]).status_code == 404
    page = web.get(reverse("outcomes:delivery", args=[delivery.uuid]))
    assert b"change-summary" in page.content
    assert page.context["summary"][0].improved == 1


def test_an_out_of_range_answer_is_refused_with_a_translated_message(world: World) -> None:
    p = world.cycle(1).participants.get()
    web = client_for(world.people.practitioner)
    url = reverse("outcomes:questionnaire", args=[p.uuid, "PHQ-9"])
    data = {"timepoint": "baseline", "taken_on": "2026-03-02"}
    data.update({f"item_{n}": "0" for n in range(1, 10)})
    data["item_4"] = "7"
    response = web.post(url, data, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400
    assert not Administration.objects.exists()
    response = web.post(url, {**data, "item_4": "x"})
    assert response.status_code == 400
    assert b"one of the numbers" in response.content


def test_the_client_page_shows_the_flag_and_the_home_page_a_notice(world: World) -> None:
    p = world.cycle(1).participants.get()
    world.answer(p, "PHQ-9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    flag = SafetyFlag.objects.get()
    web = client_for(world.people.practitioner)
    page = web.get(reverse("referrals:client", args=[p.client_uuid]))
    assert reverse("outcomes:flag_refer", args=[flag.uuid]).encode() in page.content
    home = web.get(reverse("core:home"))
    assert p.client_code.encode() in home.content
    # other organisations never see it
    assert (
        p.client_code.encode()
        not in client_for(world.people.outsider).get(reverse("core:home")).content
    )
    response = web.post(reverse("outcomes:flag_refer", args=[flag.uuid]))
    assert response.status_code == 302 and "/referrals/" in response["Location"]
    denied = client_for(world.people.outsider).post(
        reverse("outcomes:flag_clear", args=[flag.uuid]), {"note": "x"}
    )
    assert denied.status_code == 404
    web.post(reverse("outcomes:flag_clear", args=[flag.uuid]), {"note": "Called"})
    flag.refresh_from_db()
    assert not flag.is_open
    assert p.client_code.encode() not in web.get(reverse("core:home")).content


def _outcomes(world: World, n: int) -> Delivery:
    delivery = world.cycle(n)
    for p in delivery.participants.all():
        world.answer(p, "PHQ-9", [2] * 8 + [0])  # 16
        world.answer(p, "PHQ-9", [1] * 8 + [0], timepoint="end", taken_on=DAY.replace(month=4))
    return delivery


def test_the_coordinators_dashboard_is_suppressed(world: World) -> None:
    _outcomes(world, 3)
    web = client_for(world.people.coordinator)
    data = web.get(reverse("outcomes:dashboard")).context["data"]
    assert data.suppressed
    assert data.total["people"] is None and data.total["outcomes"] is None
    assert data.total["improved_pct"] is None and data.total["mean_change"] is None
    _outcomes(world, 3)
    data = web.get(reverse("outcomes:dashboard")).context["data"]
    assert (data.total["people"], data.total["outcomes"], data.total["improved_pct"]) == (
        6,
        6,
        100.0,
    )
    assert data.total["mean_change"] == -8.0


def test_the_organisations_own_dashboard_is_not_suppressed(world: World) -> None:
    _outcomes(world, 2)
    web = client_for(world.people.practitioner)
    url = reverse("outcomes:dashboard") + f"?organisation={world.people.org_a.pk}"
    data = web.get(url).context["data"]
    assert not data.suppressed and data.total["people"] == 2
    # another organisation's dashboard is suppressed and empty for this practitioner
    other = reverse("outcomes:dashboard") + f"?organisation={world.people.org_b.pk}"
    assert web.get(other).context["data"].total["people"] == 0


def test_an_area_limited_coordinator_sees_only_their_area(world: World) -> None:
    _outcomes(world, 5)
    web = client_for(world.people.oblast_coordinator)  # Kyivska: the Irpin site is in it
    assert web.get(reverse("outcomes:dashboard")).context["data"].total["people"] == 5
    lviv = reverse("outcomes:dashboard") + "?area=UA46"
    assert web.get(lviv).context["data"].total["people"] == 0


def test_exports_write_numbers_as_numbers_and_hide_small_cells(world: World) -> None:
    _outcomes(world, 6)
    web = client_for(world.people.coordinator)
    response = web.get(reverse("outcomes:dashboard") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    total = [c.value for c in sheet[sheet.max_row]]
    assert total[header.index("people")] == 6 and isinstance(total[header.index("people")], int)
    assert total[header.index("mean_change")] == -8
    _outcomes(world, 2)  # a second programme month stays the same; add a small cell
    csv_text = web.get(reverse("outcomes:dashboard") + "?format=csv").content.decode()
    assert csv_text.splitlines()[0].startswith("month,people")
    viewer = client_for(world.people.viewer)
    assert viewer.get(reverse("outcomes:dashboard") + "?format=csv").status_code == 404


def test_the_support_space_page_shows_suppressed_reach(world: World) -> None:
    from carenet.community import services as community_services

    space = community_services.space_create(
        actor=world.people.org_admin,
        community=world.areas["irpin"],
        organisation=world.people.org_a,
        offers=[],
        name="Taking Care of Myself, Irpin",
        site=world.site_a,
    )
    _outcomes(world, 3)
    url = reverse("community:space", args=[space.uuid])
    page = client_for(world.people.coordinator).get(url)
    assert page.status_code == 200
    assert b"space-outcomes-h" in page.content and b"&lt;5" in page.content


def test_site_summary_is_suppressed(world: World) -> None:
    from carenet.outcomes import queries

    _outcomes(world, 3)
    summary = queries.site_summary(world.people.coordinator, world.site_a.pk)
    assert summary is not None
    assert summary["people"] is None and summary["deliveries"] is None
    assert summary["instruments"][0]["outcomes"] is None
    _outcomes(world, 3)
    summary = queries.site_summary(world.people.coordinator, world.site_a.pk)
    assert summary["people"] == 6 and summary["instruments"][0]["improved_pct"] == 100.0
    assert queries.site_summary(None, world.site_a.pk) is None


def test_four_w_draft_equals_the_delivery_records(world: World) -> None:
    from carenet.reporting import queries as reporting_queries  # noqa: F401

    delivery = world.cycle(0)
    women = [world.client("female", "18-59") for _ in range(3)]
    men = [world.client("male", "60+") for _ in range(2)]
    participants = [
        services.participant_add(actor=world.people.practitioner, delivery=delivery, client=c)
        for c in women + men
    ]
    for number in (1, 2):
        services.session_record(
            actor=world.people.practitioner,
            delivery=delivery,
            number=number,
            held_on=DAY.replace(day=number * 7),
            present=participants[: 4 if number == 1 else 5],
        )
    services.delivery_create(
        actor=world.people.practitioner,
        organisation=world.people.org_a,
        site=world.site_a,
        intervention=delivery.intervention,
        kind="headcount",
        activity_code="1.2",
        started_on=DAY,
        headcount={"count_f_0_17": 7, "count_m_0_17": 4},
    )
    from carenet.outcomes.queries import four_w_cells

    cells = sorted(four_w_cells(world.people.org_a, DAY), key=lambda c: c["activity"])
    assert [(c["activity"], c["reached_total"], c["sessions"]) for c in cells] == [
        ("1.2", 11, 0),
        ("8.2", 5, 2),
    ]
    assert (cells[1]["reached_f_18_59"], cells[1]["reached_m_60"]) == (3, 2)
    count = services.four_w_draft(
        actor=world.people.focal_point, organisation=world.people.org_a, month=DAY
    )
    assert count == services.FourWDraft(added=2, updated=0, unchanged=0)
    from carenet.reporting.models import ActivityReport

    rows = {
        r.activity.code: r for r in ActivityReport.objects.filter(organisation=world.people.org_a)
    }
    assert rows["8.2"].reached_total == 5 and rows["8.2"].reached_f_18_59 == 3
    assert rows["8.2"].sessions == 2 and rows["8.2"].site_uuid == world.site_a.uuid
    assert rows["1.2"].reached_f_0_17 == 7 and rows["1.2"].reached_m_0_17 == 4
    # nothing in April
    with pytest.raises(Exception, match="No delivery"):
        services.four_w_draft(
            actor=world.people.focal_point,
            organisation=world.people.org_a,
            month=DAY.replace(month=5),
        )


def _one_session_draft(world: World) -> tuple[Delivery, list[Any]]:
    delivery = world.cycle(0)
    people = [world.client("female", "18-59") for _ in range(2)]
    participants = [
        services.participant_add(actor=world.people.practitioner, delivery=delivery, client=c)
        for c in people
    ]
    services.session_record(
        actor=world.people.practitioner,
        delivery=delivery,
        number=1,
        held_on=DAY,
        present=participants[:1],
    )
    return delivery, participants


def test_it_updates_the_draft_rows_when_the_draft_is_made_again(world: World) -> None:
    from carenet.reporting.models import ActivityReport

    delivery, participants = _one_session_draft(world)
    org = world.people.org_a
    first = services.four_w_draft(actor=world.people.focal_point, organisation=org, month=DAY)
    assert first == services.FourWDraft(added=1, updated=0, unchanged=0)
    services.session_record(
        actor=world.people.practitioner,
        delivery=delivery,
        number=2,
        held_on=DAY.replace(day=20),
        present=participants,
    )
    again = services.four_w_draft(actor=world.people.focal_point, organisation=org, month=DAY)
    assert again == services.FourWDraft(added=0, updated=1, unchanged=0)
    (row,) = ActivityReport.objects.filter(organisation=org)
    assert (row.reached_f_18_59, row.reached_total, row.sessions) == (2, 2, 2)
    third = services.four_w_draft(actor=world.people.focal_point, organisation=org, month=DAY)
    assert third == services.FourWDraft(added=0, updated=0, unchanged=1)


def test_it_says_a_submitted_month_cannot_change(world: World) -> None:
    from carenet.reporting import services as reporting
    from carenet.reporting.models import ActivityReport

    delivery, participants = _one_session_draft(world)
    org = world.people.org_a
    services.four_w_draft(actor=world.people.focal_point, organisation=org, month=DAY)
    reporting.period_submit(
        actor=world.people.focal_point, period=reporting.period_for(org, DAY.replace(day=1))
    )
    services.session_record(
        actor=world.people.practitioner,
        delivery=delivery,
        number=2,
        held_on=DAY.replace(day=20),
        present=participants,
    )
    with pytest.raises(services.OutcomesError, match="is submitted; it can change only"):
        services.four_w_draft(actor=world.people.focal_point, organisation=org, month=DAY)
    (row,) = ActivityReport.objects.filter(organisation=org)
    assert (row.reached_total, row.sessions) == (1, 1)


def test_the_four_w_page_says_which_rows_were_updated(world: World) -> None:
    _one_session_draft(world)
    client = client_for(world.people.focal_point)
    url = reverse("outcomes:four_w")
    client.post(url, {"month": DAY.isoformat()})
    page = client.post(url, {"month": DAY.isoformat()}).content.decode()
    assert "0 rows added to the draft. 1 row already up to date." in page


def test_people_of_unstated_sex_give_a_total_without_a_split(world: World) -> None:
    from carenet.outcomes.queries import four_w_cells

    delivery = world.cycle(0)
    ps = [
        services.participant_add(actor=world.people.practitioner, delivery=delivery, client=c)
        for c in [world.client("female"), world.client("unknown")]
    ]
    services.session_record(
        actor=world.people.practitioner, delivery=delivery, number=1, held_on=DAY, present=ps
    )
    (cell,) = four_w_cells(world.people.org_a, DAY)
    assert cell["reached_total"] == 2 and cell["reached_f_18_59"] == ""


def test_the_four_w_page_is_for_focal_points_and_admins(world: World, split: object) -> None:
    allowed, denied = split(world.people, "org_admin", "focal_point")  # type: ignore[operator]
    assert_access(reverse("outcomes:four_w"), allowed, denied)


def test_the_dashboard_and_delivery_page_queries_do_not_grow_with_rows(
    world: World, django_assert_max_num_queries: object
) -> None:
    delivery = _outcomes(world, 6)
    web = client_for(world.people.coordinator)
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        web.get(reverse("outcomes:dashboard"))
    practitioner = client_for(world.people.practitioner)
    with django_assert_max_num_queries(30):  # type: ignore[operator]
        practitioner.get(reverse("outcomes:delivery", args=[delivery.uuid]))


def test_attendance_sent_late_never_overwrites_a_newer_one(world: World) -> None:
    delivery = world.cycle(2)
    first, second = list(delivery.participants.all())
    url = reverse("outcomes:attendance", args=[delivery.uuid, 1])
    web = client_for(world.people.practitioner)
    opened_on = web.get(url).context["version"]
    web.post(url, {"held_on": "2026-03-02", "present": [str(first.uuid)], "_version": opened_on})
    late = web.post(
        url,
        {"held_on": "2026-03-02", "present": [str(second.uuid)], "_version": opened_on},
        HTTP_X_CARENET_OFFLINE="1",
        HTTP_X_IDEMPOTENCY_KEY="0b5bd3c2-8f4e-4a43-9d1c-3c1f2b6f9e10",
    )
    assert late.status_code == 409
    assert "changed by someone else" in late.json()["message"]
    assert web.get(url).context["form"].initial["present"] == [str(first.uuid)]
