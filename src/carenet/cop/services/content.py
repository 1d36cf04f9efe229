"""Writes on supervision logs, the resource library and discussion threads."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.accounts.models import User
from carenet.cop.models import (
    CommunityOfPractice,
    CopMember,
    Post,
    Resource,
    ResourceKind,
    Sharing,
    SupervisionKind,
    SupervisionLog,
    SupervisionTheme,
    Thread,
)
from carenet.cop.privacy import check_no_identifiers
from carenet.core import audit, permissions, uploads
from carenet.core.models import AuditAction

_TAG = re.compile(r"[^\w-]+")

# The documents a CoP library accepts (size: CARENET_COP_MAX_UPLOAD_MB).
RESOURCE_TYPES = (
    "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "png", "jpg", "jpeg", "mp3",
)  # fmt: skip


def resource_max_bytes() -> int:
    return int(settings.CARENET_COP_MAX_UPLOAD_MB) * 1024 * 1024


@transaction.atomic
def supervision_log_create(
    *,
    actor: User,
    cop: CommunityOfPractice,
    kind: str,
    supervisees: Iterable[User],
    held_on: datetime.date,
    hours: Decimal,
    themes: Iterable[SupervisionTheme] = (),
    note: str = "",
) -> SupervisionLog:
    """Log a supervision session given by `actor` to members of the CoP: hours and themes
    only, never who the clients were."""
    permissions.require_on(actor, "cop.supervise", cop)
    people = list({u.pk: u for u in supervisees}.values())
    _check_supervisees(cop, actor, kind, people)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("The date cannot be in the future.")]})
    if not Decimal("0.25") <= Decimal(hours) <= Decimal(12):
        raise ValidationError({"hours": [_("Between 0.25 and 12 hours.")]})
    try:
        check_no_identifiers(note)
    except ValidationError as exc:
        raise ValidationError({"note": exc.messages}) from exc
    log = SupervisionLog.objects.create(
        cop=cop, kind=kind, supervisor=actor, held_on=held_on, hours=hours, note=note
    )
    log.supervisees.set(people)
    log.themes.set(list(themes))
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=log,
        changes=["kind", "held_on", "hours", "themes", "note", "supervisees"],
    )
    return log


def _check_supervisees(
    cop: CommunityOfPractice, actor: User, kind: str, people: list[User]
) -> None:
    if kind not in SupervisionKind.values:
        raise ValidationError({"kind": [_("Unknown kind of supervision.")]})
    if not people:
        raise ValidationError({"supervisees": [_("Choose who was supervised.")]})
    if kind == SupervisionKind.INDIVIDUAL and len(people) != 1:
        raise ValidationError({"supervisees": [_("Individual supervision has one supervisee.")]})
    if any(u.pk == actor.pk for u in people):
        raise ValidationError({"supervisees": [_("You cannot supervise yourself.")]})
    members = set(
        CopMember.objects.current()
        .filter(cop=cop, user__in=people)
        .values_list("user_id", flat=True)
    )
    if len(members) != len(people):
        raise ValidationError({"supervisees": [_("Supervisees must be members of the CoP.")]})


def supervision_log_viewed(*, actor: User, log: SupervisionLog) -> None:
    """Audit a view of a supervision log (logs are about people's practice)."""
    audit.record(AuditAction.VIEW, actor=actor, obj=log)


def normalise_tags(text: str) -> str:
    """ "Trauma, PFA;  self care" -> ",trauma,pfa,self-care," (at most 12 tags)."""
    tags: list[str] = []
    for raw in re.split(r"[,;]", text or ""):
        tag = _TAG.sub("-", raw.strip().lower()).strip("-")[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return f",{','.join(tags[:12])}," if tags else ""


@transaction.atomic
def resource_add(
    *,
    actor: User,
    cop: CommunityOfPractice,
    title: str,
    language: str,
    sharing: str = Sharing.COP,
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    tags: str = "",
) -> Resource:
    """Share a document (checked for size and type) or a link in a CoP's library."""
    permissions.require_on(actor, "cop.contribute", cop)
    if bool(url) == bool(upload):
        raise ValidationError(_("Give either a file or a link."), code="file_or_link")
    resource = Resource(
        cop=cop,
        title=title,
        description=description,
        language=language,
        sharing=sharing,
        tags=normalise_tags(tags),
        shared_by=actor,
    )
    if upload is not None:
        checked = uploads.check_upload(
            upload, allowed=RESOURCE_TYPES, max_bytes=resource_max_bytes()
        )
        resource.kind = ResourceKind.FILE
        resource.original_name = (upload.name or "file")[-200:]
        resource.content_type, resource.size_bytes = checked.content_type, checked.size
        resource.file.save(upload.name or "file", upload, save=False)
    else:
        resource.kind, resource.url = ResourceKind.LINK, url
    resource.full_clean(exclude=["file"])
    resource.save()
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=resource,
        changes=["title", "kind", "sharing", "language", "tags"],
    )
    return resource


@transaction.atomic
def resource_remove(*, actor: User, resource: Resource) -> None:
    """The person who shared it, or a facilitator, removes a resource."""
    if resource.shared_by_id != actor.pk:
        permissions.require_on(actor, "cop.facilitate", resource.cop)
    audit.record(AuditAction.DELETE, actor=actor, obj=resource)
    stored = resource.file.name if resource.file else ""
    storage = resource.file.storage if resource.file else None
    resource.delete()
    if storage is not None and stored:
        transaction.on_commit(lambda: storage.delete(stored))


def resource_viewed(*, actor: User, resource: Resource) -> None:
    """Downloads of documents are audited like exports."""
    audit.record(AuditAction.EXPORT, actor=actor, obj=resource, detail="download")


def _check_post(body: str) -> None:
    if not body.strip():
        raise ValidationError({"body": [_("Write a message.")]})
    try:
        check_no_identifiers(body)
    except ValidationError as exc:
        raise ValidationError({"body": exc.messages}) from exc


@transaction.atomic
def thread_start(*, actor: User, cop: CommunityOfPractice, title: str, body: str) -> Thread:
    """Open a discussion in a CoP with its first message (members only)."""
    permissions.require_on(actor, "cop.contribute", cop)
    _check_post(body)
    try:
        check_no_identifiers(title)
    except ValidationError as exc:
        raise ValidationError({"title": exc.messages}) from exc
    thread = Thread.objects.create(cop=cop, title=title, author=actor, last_post_at=timezone.now())
    post = Post.objects.create(thread=thread, author=actor, body=body)
    audit.record(AuditAction.CREATE, actor=actor, obj=thread, changes=["title"])
    audit.record(AuditAction.CREATE, actor=actor, obj=post, changes=["body"])
    return thread


@transaction.atomic
def post_reply(*, actor: User, thread: Thread, body: str) -> Post:
    permissions.require_on(actor, "cop.contribute", thread.cop)
    _check_post(body)
    post = Post.objects.create(thread=thread, author=actor, body=body)
    thread.last_post_at = post.created_at
    thread.save(update_fields=["last_post_at", "updated_at"])
    audit.record(AuditAction.CREATE, actor=actor, obj=post, changes=["body"])
    return post
