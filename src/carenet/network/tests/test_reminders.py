"""The monthly reminders: late 4W reports and listings not confirmed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from carenet.accounts.models import Organisation
from carenet.conftest import People, assert_access
from carenet.network import reminders
from carenet.network.models import Reminder, ReminderKind

AFTER_DEADLINE = datetime.date(2026, 11, 15)


@pytest.fixture
def members(people: People) -> People:
    Organisation.objects.filter(pk__in=[people.org_a.pk, people.org_b.pk]).update(
        coordination_member=True
    )
    return people


def test_focal_points_of_late_organisations_get_one_reminder_a_month(members: People) -> None:
    sent = reminders.send_monthly(AFTER_DEADLINE)
    assert sent.report_4w == 2
    to = sorted(m.to[0] for m in mail.outbox)
    # ALPHA's focal point; BETA has neither a focal point nor an admin: nobody to tell
    assert to == [members.focal_point.email]
    message = mail.outbox[0]
    link = reverse("reporting:period", kwargs={"org": members.org_a.uuid, "month": "2026-10"})
    assert link in message.body and "October 2026" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    again = reminders.send_monthly(AFTER_DEADLINE + datetime.timedelta(days=3))
    assert again.report_4w == 0 and len(mail.outbox) == 1
    assert Reminder.objects.filter(kind=ReminderKind.REPORT_4W).count() == 2


def test_no_4w_reminder_before_the_deadline(members: People) -> None:
    sent = reminders.send_monthly(datetime.date(2026, 11, 5))
    assert sent.report_4w == 0 and mail.outbox == []


def test_stale_listings_are_reminded_with_a_link_to_fix_them(
    members: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminders, "stale_listings", lambda coordinator: {members.org_a: 3})
    sent = reminders.send_monthly(datetime.date(2026, 11, 2))
    assert sent.listings == 1
    assert reverse("directory:manage") in mail.outbox[0].body
    assert "3 service listings" in mail.outbox[0].body


def test_without_a_network_coordinator_nothing_is_sent(members: People) -> None:
    from carenet.accounts.models import CoordinatorRole

    CoordinatorRole.objects.filter(user=members.coordinator).delete()
    assert reminders.send_monthly(AFTER_DEADLINE).report_4w == 0


def test_the_command_queues_the_task(members: People, capsys: Any) -> None:
    call_command("send_reminders")
    assert "reminders queued" in capsys.readouterr().out


def test_only_coordinators_read_the_reminders_sent(people: People, split: Any) -> None:
    allowed, denied = split(people, "coordinator", "superuser")
    assert_access(reverse("network:reminders"), allowed, denied)
