"""Writes to the directory. Each one runs in a transaction, checks the actor's right to edit
the organisation's listings, writes its audit entry (naming the changed fields, never their
values) and refreshes the search entries it affects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.directory import indexing
from carenet.directory.models import Service, ServiceArea, ServiceAtLocation, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from carenet.accounts.models import Organisation, User

    Actor = User | AnonymousUser | None
    from carenet.geo.models import AdminArea
    from carenet.taxonomy.models import Term

SITE_FIELDS = (
    "name_en",
    "name_uk",
    "name_pl",
    "kind",
    "area",
    "address",
    "city",
    "postal_code",
    "lat",
    "lon",
    "directions",
    "accessibility",
    "wheelchair_accessible",
    "phone",
    "email",
    "confidential",
    "is_active",
    "needs_review",
)
SERVICE_FIELDS = (
    "name_en",
    "name_uk",
    "name_pl",
    "description_en",
    "description_uk",
    "description_pl",
    "layer",
    "age_min",
    "age_max",
    "sex",
    "eligibility",
    "free",
    "fees",
    "referral_required",
    "how_to_apply",
    "capacity_places",
    "available_places",
    "waiting_days",
    "status",
    "phone",
    "email",
    "url",
    "schedule",
    "schedule_note",
    "last_verified",
    "needs_review",
)
SERVICE_M2M = ("activities", "interventions", "target_groups", "languages", "delivery_modes")


def _who(actor: Actor) -> User | None:
    """The user for the audit entry (None for the system)."""
    return actor if actor is not None and actor.is_authenticated else None  # type: ignore[return-value]


def _require_edit(actor: Actor, organisation: Organisation) -> None:
    """`actor=None` is the system (demo data, imports run by an administrator)."""
    if actor is not None:
        permissions.require(actor, "directory.edit", organisation)


def _apply(obj: Any, data: Mapping[str, Any], allowed: Sequence[str]) -> list[str]:
    """Set `data` on `obj`; returns the fields whose values differ from the stored row
    (a ModelForm may already have set them on the same instance)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    changed = []
    for name, value in data.items():
        field = obj._meta.get_field(name)
        attname = field.attname if field.is_relation else name
        new = getattr(value, "pk", value) if field.is_relation else value
        setattr(obj, name, value)
        if stored is None or getattr(stored, attname) != new:
            changed.append(name)
    return changed


# --- sites ------------------------------------------------------------------------------


@transaction.atomic
def site_create(
    *,
    actor: Actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> Site:
    """Add a site (location) of `organisation`."""
    _require_edit(actor, organisation)
    site = Site(organisation=organisation)
    _apply(site, data, SITE_FIELDS)
    site.full_clean()
    site.save()
    audit.record(
        AuditAction.CREATE, actor=_who(actor), obj=site, changes=list(data), request=request
    )
    return site


@transaction.atomic
def site_update(
    *, actor: Actor, site: Site, data: Mapping[str, Any], request: HttpRequest | None = None
) -> list[str]:
    """Change a site; returns the names of the changed fields."""
    _require_edit(actor, site.organisation)
    changed = _apply(site, data, SITE_FIELDS)
    if not changed:
        return []
    site.full_clean()
    site.save()
    audit.record(AuditAction.UPDATE, actor=_who(actor), obj=site, changes=changed, request=request)
    indexing.reindex(site.service_links.values_list("service_id", flat=True))
    return changed


# --- services ---------------------------------------------------------------------------


def _check_sites(organisation: Organisation, sites: Iterable[Site]) -> list[Site]:
    sites = list(sites)
    if any(s.organisation_id != organisation.pk for s in sites):
        raise ValidationError("A service can only be delivered at its organisation's sites.")
    return sites


@transaction.atomic
def service_create(
    *,
    actor: Actor,
    organisation: Organisation,
    data: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Term]] | None = None,
    sites: Iterable[Site] = (),
    areas: Iterable[AdminArea] = (),
    request: HttpRequest | None = None,
) -> Service:
    """Add a service of `organisation`, where it is delivered and the areas it covers."""
    _require_edit(actor, organisation)
    service = Service(organisation=organisation)
    _apply(service, data, SERVICE_FIELDS)
    service.full_clean(exclude=["sites"])
    service.save()
    changed = list(data)
    changed += _set_relations(service, m2m or {}, _check_sites(organisation, sites), areas)
    audit.record(
        AuditAction.CREATE, actor=_who(actor), obj=service, changes=changed, request=request
    )
    indexing.reindex([service.pk])
    return service


@transaction.atomic
def service_update(
    *,
    actor: Actor,
    service: Service,
    data: Mapping[str, Any] | None = None,
    m2m: Mapping[str, Iterable[Term]] | None = None,
    sites: Iterable[Site] | None = None,
    areas: Iterable[AdminArea] | None = None,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change a service; returns the names of the changed fields (audited)."""
    _require_edit(actor, service.organisation)
    changed = _apply(service, data or {}, SERVICE_FIELDS)
    if changed:
        service.full_clean(exclude=["sites"])
        service.save()
    checked = None if sites is None else _check_sites(service.organisation, sites)
    changed += _set_relations(service, m2m or {}, checked, areas)
    if changed:
        audit.record(
            AuditAction.UPDATE, actor=_who(actor), obj=service, changes=changed, request=request
        )
        indexing.reindex([service.pk])
    return changed


def _set_relations(
    service: Service,
    m2m: Mapping[str, Iterable[Term]],
    sites: list[Site] | None,
    areas: Iterable[AdminArea] | None,
) -> list[str]:
    changed = []
    for name, terms in m2m.items():
        if name not in SERVICE_M2M:
            raise ValueError(f"not editable: {name}")
        manager = getattr(service, name)
        new = {t.pk for t in terms}
        if set(manager.values_list("pk", flat=True)) != new:
            manager.set(new)
            changed.append(name)
    if sites is not None:
        old = set(service.at_locations.values_list("site_id", flat=True))
        new = {s.pk for s in sites}
        if old != new:
            service.at_locations.exclude(site_id__in=new).delete()
            ServiceAtLocation.objects.bulk_create(
                [ServiceAtLocation(service=service, site_id=pk) for pk in new - old]
            )
            changed.append("sites")
    if areas is not None:
        old = set(service.areas.values_list("area_id", flat=True))
        new = {a.pk for a in areas}
        if old != new:
            service.areas.exclude(area_id__in=new).delete()
            ServiceArea.objects.bulk_create(
                [ServiceArea(service=service, area_id=pk) for pk in new - old]
            )
            changed.append("service_areas")
    return changed


@transaction.atomic
def service_verify(*, actor: Actor, service: Service, request: HttpRequest | None = None) -> None:
    """Confirm that a listing is still true today (clears its stale flag)."""
    _require_edit(actor, service.organisation)
    service.last_verified = timezone.localdate()
    service.save(update_fields=["last_verified", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=_who(actor),
        obj=service,
        changes=["last_verified"],
        detail="verified",
        request=request,
    )


# --- drafts kept by an import for review ---------------------------------------------------


def _require_review(actor: Actor, service: Service) -> None:
    """The actor reviews this service: its organisation's editors, coordinators of its
    country, or of an area one of its sites is in (the same rule as the review list)."""
    if actor is None:
        return
    reviewed = permissions.filter_for(
        actor, "directory.publish", Service.objects.filter(pk=service.pk), area_field="sites__area"
    )
    if not reviewed.exists():
        raise Http404


def _draft_sites(service: Service) -> list[Site]:
    return list(Site.objects.filter(service_links__service=service, needs_review=True))


@transaction.atomic
def draft_publish(
    *,
    actor: Actor,
    service: Service,
    area: AdminArea | None = None,
    request: HttpRequest | None = None,
) -> list[str]:
    """Publish a draft an import kept for review: a person checked it and, when the import
    could not place it, picked the area it serves (`area` becomes a service area).

    The draft's sites that wait for review are published with it. Refused (ValidationError)
    when the service would still have no place, or when `area` is outside what the actor
    reviews (an area-limited coordinator placing it elsewhere).
    """
    _require_review(actor, service)
    if not service.needs_review:
        raise ValidationError(_("This service is not a draft."), code="not_draft")
    placing = area is not None and actor is not None
    if placing and not permissions.can(actor, "directory.publish", service.organisation, area):
        raise ValidationError(
            _("You can only place services in the areas you coordinate."), code="area"
        )
    changed = ["needs_review"]
    # read the tables, not `service.areas`: the caller may have prefetched them
    areas = ServiceArea.objects.filter(service=service)
    if area is not None and not areas.filter(area=area).exists():
        ServiceArea.objects.create(service=service, area=area)
        changed.append("service_areas")
    if not areas.exists() and not ServiceAtLocation.objects.filter(service=service).exists():
        raise ValidationError(
            _("Choose the place where the service is offered before publishing it."),
            code="no_place",
        )
    for site in _draft_sites(service):
        site.needs_review = False
        site.save(update_fields=["needs_review", "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=_who(actor),
            obj=site,
            changes=["needs_review"],
            detail="draft published",
            request=request,
        )
    service.needs_review = False
    service.save(update_fields=["needs_review", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=_who(actor),
        obj=service,
        changes=changed,
        detail="draft published",
        request=request,
    )
    indexing.reindex([service.pk])
    return changed


@transaction.atomic
def draft_reject(*, actor: Actor, service: Service, request: HttpRequest | None = None) -> None:
    """Delete a draft an import kept for review, with its draft sites that no other service
    uses. A published service is not deleted here."""
    _require_review(actor, service)
    if not service.needs_review:
        raise ValidationError(_("This service is not a draft."), code="not_draft")
    orphans = [s for s in _draft_sites(service) if s.service_links.count() == 1]
    audit.record(
        AuditAction.DELETE,
        actor=_who(actor),
        obj=service,
        detail="draft rejected",
        request=request,
    )
    for site in orphans:
        audit.record(
            AuditAction.DELETE,
            actor=_who(actor),
            obj=site,
            detail="draft rejected",
            request=request,
        )
    service.delete()
    for site in orphans:
        site.delete()
