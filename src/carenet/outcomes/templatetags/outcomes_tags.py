"""Fragments other apps' pages include: a client's safety flags, a support space's reach."""

from __future__ import annotations

from typing import Any

from django import template

from carenet.outcomes import queries

register = template.Library()


@register.inclusion_tag("outcomes/_client_safety.html", takes_context=True)
def client_outcomes(context: Any, client: Any) -> dict[str, Any]:
    """Safety flags (with the protocol and a one-click referral draft) and change, for the
    people who may see the client's participation; nothing for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    flags = queries.flags_of_client(user, client)
    open_flags = [f for f in flags if f.is_open]
    protocol = ""
    if open_flags:
        protocol = queries.protocol_for(client.organisation, open_flags[0].administration.site_id)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "outcomes_flags": flags,
        "outcomes_open": open_flags,
        "outcomes_cleared": [f for f in flags if not f.is_open],
        "outcomes_protocol": protocol,
        "outcomes_changes": queries.outcomes_of_client(user, client),
    }


@register.inclusion_tag("outcomes/_space.html", takes_context=True)
def space_outcomes(context: Any, space: Any) -> dict[str, Any]:
    """The support space's deliveries, reach and outcomes, suppressed (the page is read by
    coordinators and other organisations too)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    site_id = getattr(space, "site_id", None)
    if not site_id:
        return {"space_data": None}
    data = queries.site_summary(user, site_id)
    return {"space_data": data}
