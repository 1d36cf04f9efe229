"""The restore drill: back up, wipe, restore, read the encrypted client back; keys stay out.

Runs on the database of the run (SQLite in memory, or PostgreSQL with pg_dump/pg_restore).
The data is committed (transactional tests), since pg_dump reads from its own connection.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from carenet.conftest import People
from carenet.core import backups
from carenet.referrals import services as referral_services
from carenet.referrals.models import Client

NAME = "Oksana Backup-Drill"
PHONE = "+380 67 000 1122"

pytestmark = pytest.mark.django_db(transaction=True)


def register_client(people: People) -> Client:
    return referral_services.client_register(
        actor=people.practitioner,
        organisation=people.org_a,
        details=referral_services.ClientDetails(
            age_band="18-59", name=NAME, phone=PHONE, date_of_birth=datetime.date(1991, 2, 3)
        ),
    )


def wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert not Client.objects.exists()


def test_it_restores_a_wiped_database_and_reads_the_encrypted_fields_back(
    people: People, tmp_path: Path
) -> None:
    client = register_client(people)
    output = tmp_path / "carenet.backup"

    call_command("backup", str(output), verbosity=0)
    wipe()
    call_command("restore", str(output), interactive=False, verbosity=0)

    restored = Client.objects.get(uuid=client.uuid)
    assert (restored.name, restored.phone, restored.date_of_birth) == (
        NAME,
        PHONE,
        "1991-02-03",
    )
    assert restored.organisation.acronym == people.org_a.acronym


def test_the_backup_holds_no_key_and_no_clear_personal_data(people: People, tmp_path: Path) -> None:
    register_client(people)
    output = tmp_path / "carenet.backup"
    call_command("backup", str(output), verbosity=0)

    data = output.read_bytes()
    assert backups.kind_of(output) == backups.engine()
    assert output.stat().st_mode & 0o077 == 0  # owner only
    secrets = [settings.SECRET_KEY, *settings.CARENET_FIELD_KEYS, NAME, PHONE]
    for secret in secrets:
        assert secret.encode() not in data
    # The ciphertext is there: the backup is complete, only unreadable without the keys.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM referrals_client")
        (ciphertext,) = cursor.fetchone()
    assert ciphertext.encode() in data or backups.engine() == backups.POSTGRESQL  # compressed


def test_it_refuses_a_backup_the_current_keys_cannot_read_and_changes_nothing(
    people: People, tmp_path: Path
) -> None:
    client = register_client(people)
    output = tmp_path / "carenet.backup"
    call_command("backup", str(output), verbosity=0)
    wipe()
    people_now = list(people.org_a.__class__.objects.values_list("acronym", flat=True))

    with (
        override_settings(CARENET_FIELD_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(CommandError, match=r"referrals\.Client cannot be read.*CARENET_FIELD_KEYS"),
    ):
        call_command("restore", str(output), interactive=False, verbosity=0)

    assert not Client.objects.filter(uuid=client.uuid).exists()
    assert list(people.org_a.__class__.objects.values_list("acronym", flat=True)) == people_now


def test_it_restores_with_a_new_key_first_and_the_old_one_after(
    people: People, tmp_path: Path
) -> None:
    client = register_client(people)
    output = tmp_path / "carenet.backup"
    call_command("backup", str(output), verbosity=0)
    wipe()

    rotated = [Fernet.generate_key().decode(), *settings.CARENET_FIELD_KEYS]
    with override_settings(CARENET_FIELD_KEYS=rotated):
        call_command("restore", str(output), interactive=False, verbosity=0)
        assert Client.objects.get(uuid=client.uuid).name == NAME


def test_it_never_overwrites_an_existing_file(people: People, tmp_path: Path) -> None:
    output = tmp_path / "carenet.backup"
    output.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(output), verbosity=0)
    assert output.read_bytes() == b"keep me"
    assert list(tmp_path.iterdir()) == [output]


def test_it_refuses_a_file_that_is_not_a_backup(people: People, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("COPY public.referrals_client FROM stdin;\n")
    with pytest.raises(CommandError, match="not a CareNet backup"):
        call_command("restore", str(bogus), interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing"), interactive=False, verbosity=0)
    assert people.org_a.__class__.objects.filter(pk=people.org_a.pk).exists()


def test_it_refuses_a_backup_of_the_other_kind_of_database(people: People, tmp_path: Path) -> None:
    other = tmp_path / "other.backup"
    if backups.engine() == backups.SQLITE:
        other.write_bytes(backups.POSTGRES_MAGIC + b"\x01\x0e\x00" + b"\x00" * 64)
        expected = "is a PostgreSQL backup; this CareNet uses SQLite"
    else:
        other.write_bytes(backups.SQLITE_MAGIC + b"\x00" * 84)
        expected = "is a SQLite backup; this CareNet uses PostgreSQL"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other), interactive=False, verbosity=0)
    assert people.org_a.__class__.objects.filter(pk=people.org_a.pk).exists()


def test_restore_asks_before_replacing_the_database(
    people: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = register_client(people)
    output = tmp_path / "carenet.backup"
    call_command("backup", str(output), verbosity=0)
    wipe()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(output), verbosity=0)
    assert not Client.objects.filter(uuid=client.uuid).exists()


def test_it_reads_the_first_encrypted_value_of_a_pg_copy_block() -> None:
    table = backups.EncryptedColumns("referrals.Client", "referrals_client", ("name", "phone"))
    lines = [
        "SET statement_timeout = 0;\n",
        "COPY public.referrals_client (id, code, name, phone) FROM stdin;\n",
        "1\tAAA\t\t\\N\n",
        "2\tBBB\tgAAAA-name\t\n",
        "\\.\n",
    ]
    assert backups._first_encrypted(iter(lines), table) == ["gAAAA-name"]
    assert backups._first_encrypted(iter(lines[:3] + lines[4:]), table) == []
    assert backups._first_encrypted(iter(["-- no data\n"]), table) == []
