"""Background tasks of core (django-tasks: in-process by default, RQ or database workers
when configured)."""

from __future__ import annotations

from django_tasks import task

from carenet.core import audit


@task()
def purge_audit_log() -> int:
    """Delete audit entries older than CARENET_AUDIT_RETENTION_DAYS."""
    return audit.purge_expired()
