"""Every read of the HSDS API and exports: only public rows (through `directory.queries`),
with what the nested HSDS objects need prefetched."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from carenet.accounts.models import Organisation
from carenet.directory.hsds import out as hsds_out
from carenet.directory.models import Service, ServiceArea, ServiceAtLocation
from carenet.directory.queries import public_services, public_sites
from carenet.taxonomy.models import Scheme, Term

M2M = ("activities", "interventions", "target_groups", "languages", "delivery_modes")


def schemes() -> QuerySet[Scheme]:
    return Scheme.objects.filter(is_current=True).order_by("code")


def terms() -> QuerySet[Term]:
    return (
        Term.objects.filter(scheme__is_current=True, is_active=True)
        .select_related("scheme", "parent__scheme")
        .order_by("scheme__code", "sort_order", "code")
    )


def services_queryset(base: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Public services with everything a nested HSDS service needs, in a fixed number of
    queries whatever the page size."""
    base = public_services() if base is None else base
    return (
        base.select_related("organisation__hsds", "layer__scheme")
        .prefetch_related(
            *(
                Prefetch(name, queryset=Term.objects.select_related("scheme", "parent__scheme"))
                for name in M2M
            ),
            Prefetch(
                "at_locations",
                to_attr="public_links",
                queryset=ServiceAtLocation.objects.filter(site__in=public_sites())
                .select_related("site__area", "site__organisation", "service__organisation__hsds")
                .defer("site__area__boundary"),
            ),
            Prefetch(
                "areas",
                to_attr="public_areas",
                queryset=ServiceArea.objects.select_related("area").defer("area__boundary"),
            ),
        )
        .order_by("name_en", "id")
    )


def has_terms(term_ids: list[int]) -> Q:
    q = Q(layer_id__in=term_ids)
    for name in M2M:
        q |= Q(pk__in=Service.objects.filter(**{f"{name}__in": term_ids}).values("pk"))
    return q


def links() -> QuerySet[ServiceAtLocation]:
    return (
        ServiceAtLocation.objects.filter(site__in=public_sites(), service__in=public_services())
        .select_related(
            "site__area",
            "site__organisation",
            "service__organisation__hsds",
            "service__layer__scheme",
        )
        .defer("site__area__boundary")
        .order_by("service__name_en", "id")
    )


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).select_related("hsds").order_by("name", "id")


def scheme_by_hsds_id(wanted: str) -> Scheme:
    """The current scheme whose HSDS taxonomy id is `wanted`, else 404."""
    for scheme in schemes():
        if hsds_out.scheme_id(scheme) == wanted:
            return scheme
    raise Http404


def term_by_hsds_id(wanted: str) -> Term:
    """Terms' ids are derived from their codes; look them up scheme by scheme; else 404."""
    for term in terms():
        if hsds_out.term_id(term) == wanted:
            return term
    raise Http404
