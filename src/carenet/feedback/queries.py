"""Every read of the feedback app. Public reads go through the directory's public queries;
protected reads start from `core.permissions`."""

from __future__ import annotations

import statistics
import uuid as uuid_lib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from carenet.accounts.models import Organisation, User
from carenet.core import permissions, suppression
from carenet.directory import queries as directory_queries
from carenet.feedback.models import (
    OPEN_STATUSES,
    Answer,
    Complaint,
    Feedback,
    PublicNote,
    Theme,
)
from carenet.feedback.permissions import COMPLAINT

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser


def _as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


# --- public -------------------------------------------------------------------------------


def public_site(uuid: Any) -> Any:
    """A site of the public directory (not confidential, active), or 404."""
    site = (
        directory_queries.public_sites()
        .select_related("organisation")
        .filter(uuid=_as_uuid(uuid))
        .first()
    )
    if site is None:
        raise Http404
    return site


def public_service(uuid: Any) -> Any:
    """A service of the public directory, or 404."""
    return directory_queries.public_service(_as_uuid(uuid))


def notes_of_site(site: Any, limit: int = 10) -> list[PublicNote]:
    """The site's published "you said, we did" notes, newest first."""
    return list(PublicNote.objects.filter(site=site, is_published=True)[:limit])


def complaint_by_code(code: str) -> Complaint:
    """The complaint a person follows with their private code, or 404."""
    code = (code or "").strip()
    complaint = (
        Complaint.objects.filter(follow_up_code=code).select_related("organisation").first()
        if 8 <= len(code) <= 40
        else None
    )
    if complaint is None:
        raise Http404
    return complaint


# --- people of an organisation ----------------------------------------------------------


def feedback_for(user: AnyUser) -> QuerySet[Feedback]:
    """Feedback of the organisations where `user` may read it."""
    return (
        permissions.filter_for(user, "feedback.view", Feedback.objects.all())
        .select_related("organisation", "site", "service")
        .prefetch_related("themes")
    )


def feedback_item(user: AnyUser, uuid: Any) -> Feedback:
    item = (
        feedback_for(user)
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").order_by("question__sort_order"),
            )
        )
        .filter(uuid=_as_uuid(uuid))
        .first()
    )
    if item is None:
        raise Http404
    return item


def complaints_for(user: AnyUser) -> QuerySet[Complaint]:
    """Complaints `user` may read: sensitive ones only for the safeguarding focal point,
    none for the staff member complained about (see `feedback.permissions`)."""
    return permissions.filter_on(
        user, COMPLAINT, Complaint.objects.select_related("organisation", "site", "category")
    ).prefetch_related("themes")


def complaint_for(user: AnyUser, uuid: Any) -> Complaint:
    complaint = complaints_for(user).filter(uuid=_as_uuid(uuid)).first()
    if complaint is None:
        raise Http404
    return complaint


def members_of(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "email"
    )


def themes() -> QuerySet[Theme]:
    return Theme.objects.filter(is_active=True)


def overdue_complaints(user: AnyUser) -> list[Complaint]:
    return [c for c in complaints_for(user).filter(status__in=OPEN_STATUSES) if c.overdue()]


# --- what the network learns -------------------------------------------------------------


@dataclass
class Insights:
    """Aggregates of one organisation (or one site); counts below the minimum cell are
    None, and the means and medians computed from them are blanked with them."""

    months: list[dict[str, Any]] = field(default_factory=list)
    complaints: dict[str, Any] = field(default_factory=dict)
    themes: list[dict[str, Any]] = field(default_factory=list)


def _month(value: Any) -> str:
    return value.strftime("%Y-%m")


def _days(start: Any, end: Any) -> float:
    return round((end - start).total_seconds() / 86400, 1)


def insights(organisation: Organisation, site: Any = None) -> Insights:
    """Satisfaction per month, complaint response times and themes, suppressed."""
    feedback = Feedback.objects.filter(organisation=organisation)
    complaints = Complaint.objects.filter(organisation=organisation)
    if site is not None:
        feedback, complaints = feedback.filter(site=site), complaints.filter(site=site)
    forms: dict[str, set[int]] = defaultdict(set)
    scores: dict[str, list[int]] = defaultdict(list)
    for fid, at in feedback.values_list("pk", "created_at"):
        forms[_month(at)].add(fid)
    for at, score in Answer.objects.filter(feedback__in=feedback).values_list(
        "feedback__created_at", "score"
    ):
        scores[_month(at)].append(score)
    months = [
        {
            "month": m,
            "forms": len(forms[m]),
            "mean": round(statistics.fmean(scores[m]), 2) if scores[m] else None,
        }
        for m in sorted(forms)
    ]
    rows = list(complaints.values("created_at", "acknowledged_at", "responded_at", "status"))
    acknowledged = [
        _days(r["created_at"], r["acknowledged_at"]) for r in rows if r["acknowledged_at"]
    ]
    responded = [_days(r["created_at"], r["responded_at"]) for r in rows if r["responded_at"]]
    summary = suppression.suppress_rows(
        [
            {
                "received": len(rows),
                "acknowledged": len(acknowledged),
                "ack_median": statistics.median(acknowledged) if acknowledged else None,
                "responded": len(responded),
                "response_median": statistics.median(responded) if responded else None,
            }
        ],
        ["received", "acknowledged", "responded"],
        {"ack_median": "acknowledged", "response_median": "responded"},
    )[0]
    counted: Counter[str] = Counter()
    for model, qs in ((Feedback, feedback), (Complaint, complaints)):
        through = model.themes.through  # type: ignore[attr-defined]
        key = f"{model._meta.model_name}_id"
        counted.update(
            through.objects.filter(**{f"{key}__in": qs.values("pk")}).values_list(
                "theme__code", flat=True
            )
        )
    labels = {t.code: t.label for t in Theme.objects.filter(code__in=list(counted))}
    theme_rows = [{"theme": labels[c], "count": n} for c, n in counted.most_common()]
    return Insights(
        months=suppression.suppress_rows(months, ["forms"], {"mean": "forms"}),
        complaints=summary,
        themes=suppression.suppress_rows(theme_rows, ["count"]),
    )


def organisations_for_insights(user: AnyUser) -> QuerySet[Organisation]:
    return permissions.organisations_for(user, "feedback.insights").order_by("acronym")


def as_uuid_or_none(value: Any) -> uuid_lib.UUID | None:
    try:
        return _as_uuid(value)
    except Http404:
        return None


def sites_of(user: AnyUser, organisation: Organisation) -> QuerySet[Any]:
    """The organisation's public sites, for their posters."""
    return directory_queries.public_sites().filter(
        organisation=organisation,
        pk__in=directory_queries.sites_for_user(user, "directory.view").values("pk"),
    )


def public_sites_of(organisation: Organisation) -> QuerySet[Any]:
    return directory_queries.public_sites().filter(organisation=organisation)


def site_of_organisation(organisation: Organisation, uuid: Any) -> Any:
    return public_sites_of(organisation).filter(uuid=as_uuid_or_none(uuid)).first()


def note_for(user: AnyUser, uuid: Any) -> PublicNote:
    """A note `user` may withdraw (they respond to their organisation's feedback), or 404."""
    orgs = permissions.scope_of(user).orgs_for("feedback.respond")
    note = (
        PublicNote.objects.filter(organisation_id__in=orgs, is_published=True)
        .select_related("site")
        .filter(uuid=_as_uuid(uuid))
        .first()
    )
    if note is None:
        raise Http404
    return note
