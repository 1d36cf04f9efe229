"""Background work of the 4W app (django-tasks: in-process by default, a queue when set)."""

from __future__ import annotations

import logging

from django_tasks import task

from carenet.reporting.models import ImportJob, ImportStatus

log = logging.getLogger(__name__)


@task()
def run_import(job_uuid: str) -> str:
    """Check and import an uploaded 4W file; the progress bar polls its ImportJob."""
    from carenet.reporting import services

    job = ImportJob.objects.filter(uuid=job_uuid).first()
    if job is None:
        return "missing"
    try:
        return services.import_run(job.pk).status
    except Exception:
        # The job page must not spin forever: record the failure (ids only), then re-raise
        # so the task backend records it too.
        log.exception("reporting import %s crashed", job_uuid)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CRASHED)
        raise
