"""Personal data stays unreadable at rest, out of logs and out of e-mails."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from carenet.conftest import client_for
from carenet.core import crypto
from carenet.referrals import services
from carenet.referrals.models import Client, Referral, Status
from carenet.referrals.tests.conftest import (
    NAME,
    PHONE,
    SUMMARY,
    World,
    make_client,
    referral_in,
)


def raw_rows(table: str, columns: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 - fixed test SQL
        return cursor.fetchall()


def test_names_and_phones_are_not_readable_in_the_raw_table(world: World) -> None:
    referral_in(world, Status.COMPLETED)
    rows = raw_rows("referrals_client", "name, phone, date_of_birth, code")
    assert rows
    for name, phone, born, code in rows:
        dump = f"{name}{phone}{born}"
        assert NAME not in dump and "Kovalenko" not in dump
        assert PHONE not in dump and "123 4567" not in dump and "1990-05-17" not in dump
        assert name.startswith("gAAAAA")  # a Fernet token
        assert code.startswith("CN-")
    for summary, feedback in raw_rows("referrals_referral", "summary, feedback"):
        assert SUMMARY not in summary and "Eight sessions" not in feedback


def test_the_model_reads_back_what_was_written(world: World) -> None:
    client = make_client(world)
    again = Client.objects.get(pk=client.pk)
    assert (again.name, again.phone, again.date_of_birth) == (NAME, PHONE, "1990-05-17")


def test_no_personal_data_reaches_the_logs(
    world: World, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_in(world, Status.COMPLETED)
    for user in (world.people.practitioner, world.receiver_practitioner):
        client_for(user).get(reverse("referrals:detail", args=[referral.uuid]))
    client_for(world.people.practitioner).get(
        reverse("referrals:client", args=[referral.client.uuid])
    )
    text = caplog.text + " ".join(repr(r.args) for r in caplog.records)
    assert "referral" in text  # the services did log (ids)
    for secret in (NAME, PHONE, "1990-05-17", SUMMARY, "Eight sessions"):
        assert secret not in text


def test_every_change_is_e_mailed_to_the_other_side_after_commit_without_personal_data(
    world: World,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        referral = referral_in(world, Status.ACKNOWLEDGED)
    assert len(callbacks) == 2  # send -> BETA, acknowledge -> ALPHA
    assert len(mail.outbox) >= 2
    received = [m for m in mail.outbox if "outsider" in m.to[0] or "beta" in m.to[0]]
    assert received and referral.code in received[0].subject
    back = [m for m in mail.outbox if m.to == [world.people.practitioner.email]]
    assert back, "the author of the referral is told of the acknowledgement"
    for message in mail.outbox:
        html = message.alternatives[0][0]
        body = message.body + html + message.subject
        assert referral.code in body
        assert f"/referrals/{referral.uuid}/" in body
        for secret in (NAME, PHONE, "1990-05-17", SUMMARY, referral.client.code):
            assert secret not in body


def test_nothing_is_e_mailed_when_the_change_rolls_back(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    referral = referral_in(world, Status.SENT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        services.referral_transition(
            actor=world.receiver_practitioner, referral=referral, name="acknowledge"
        )
        transaction.set_rollback(True)
    assert callbacks == [] and mail.outbox == []
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_str_and_repr_of_records_never_carry_personal_data(world: World) -> None:
    referral = referral_in(world, Status.SENT)
    for obj in (referral, referral.client, referral.consent):
        assert NAME not in str(obj) and NAME not in repr(obj)


def test_rotating_keys_re_encrypts_everything_readably(world: World, settings: Any) -> None:
    from cryptography.fernet import Fernet

    referral_in(world, Status.COMPLETED)
    old_key = settings.CARENET_FIELD_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.CARENET_FIELD_KEYS = [new_key, old_key]
    before = raw_rows("referrals_client", "name")[0][0]
    call_command("rotate_field_keys", verbosity=0)
    after = raw_rows("referrals_client", "name")[0][0]
    assert before != after
    settings.CARENET_FIELD_KEYS = [new_key]  # the old key can now be retired
    assert crypto.decrypt(after) == NAME
    assert Client.objects.get().name == NAME
    assert Referral.objects.get().summary == SUMMARY
