"""The audit log: one entry per audited action, never a password, append-only."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from carenet.accounts import services
from carenet.accounts.models import Role
from carenet.conftest import PASSWORD, assert_access, client_for
from carenet.core import audit
from carenet.core.models import AuditAction, AuditEntry


def _sign_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_sign_in_writes_exactly_one_entry(people, client):
    before = AuditEntry.objects.count()
    response = _sign_in(client, people.viewer.email, PASSWORD)
    assert response.status_code == 302
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [e.action for e in entries] == [AuditAction.SIGN_IN]
    assert entries[0].actor == people.viewer


def test_failed_sign_in_is_audited_without_the_password(people, client):
    typed = "Wrong-Secret-Typed-42"
    before = AuditEntry.objects.count()
    _sign_in(client, people.viewer.email, typed)
    _sign_in(client, "nobody@nowhere.org", typed)
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.action for e in entries] == [AuditAction.SIGN_IN_FAILED] * 2
    assert entries[0].object_id == str(people.viewer.pk)
    assert entries[1].detail == "unknown account"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_auditentry")
        dump = repr(cursor.fetchall())
    assert typed not in dump and PASSWORD not in dump


def test_permission_change_writes_one_entry_with_field_names_only(people):
    before = AuditEntry.objects.count()
    services.membership_set(
        actor=people.org_admin, user=people.viewer, organisation=people.org_a, role=Role.FOCAL_POINT
    )
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert len(entries) == 1
    assert entries[0].action == AuditAction.PERMISSION
    assert entries[0].organisation == people.org_a
    assert entries[0].changes == ["role"]
    # Setting the same role again is not a change and writes nothing.
    services.membership_set(
        actor=people.org_admin, user=people.viewer, organisation=people.org_a, role=Role.FOCAL_POINT
    )
    assert AuditEntry.objects.count() == before + 1


def test_password_is_never_named_in_changes(people):
    entry = audit.record(
        AuditAction.UPDATE,
        actor=people.superuser,
        obj=people.viewer,
        changes=["password", "full_name"],
    )
    assert entry.changes == ["full_name"]


def test_entries_are_append_only(people):
    entry = audit.record(AuditAction.EXPORT, actor=people.viewer)
    entry.detail = "tampered"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="tampered")
    entry.refresh_from_db()
    assert entry.detail == ""


def test_retention_purges_only_expired_entries(people, settings):
    settings.CARENET_AUDIT_RETENTION_DAYS = 30
    audit.record(AuditAction.EXPORT, actor=people.viewer)
    future = timezone.now() + datetime.timedelta(days=31)
    recent_count = AuditEntry.objects.count()
    assert audit.purge_expired(now=future) == recent_count
    assert AuditEntry.objects.count() == 0
    audit.record(AuditAction.EXPORT, actor=people.viewer)
    assert audit.purge_expired() == 0


def test_audit_log_page_access(people, split):
    allowed, denied = split(people, "org_admin", "superuser")
    assert_access(reverse("core:audit"), allowed, denied)


def test_org_admin_reads_only_their_organisations_entries(people):
    audit.record(
        AuditAction.EXPORT, actor=people.outsider, organisation=people.org_b, detail="beta export"
    )
    audit.record(
        AuditAction.EXPORT,
        actor=people.focal_point,
        organisation=people.org_a,
        detail="alpha export",
    )
    page = client_for(people.org_admin).get(reverse("core:audit")).content.decode()
    assert "alpha export" in page and "beta export" not in page
    page = client_for(people.superuser).get(reverse("core:audit")).content.decode()
    assert "alpha export" in page and "beta export" in page
