"""Small display helpers for the referral templates."""

from __future__ import annotations

from django import template

from carenet.referrals import labels
from carenet.referrals.models import Status, Urgency

register = template.Library()

_STATUS_CLASS: dict[str, str] = {
    Status.DRAFT: "",
    Status.SENT: "warn",
    Status.ACKNOWLEDGED: "warn",
    Status.ACCEPTED: "ok",
    Status.IN_PROGRESS: "ok",
    Status.COMPLETED: "ok",
    Status.DECLINED: "bad",
    Status.CANCELLED: "bad",
    Status.NO_SHOW: "bad",
    Status.REVOKED: "bad",
}
_URGENCY_CLASS: dict[str, str] = {
    Urgency.EMERGENCY: "bad",
    Urgency.URGENT: "warn",
    Urgency.ROUTINE: "",
}


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, "")


@register.filter
def urgency_class(urgency: str) -> str:
    return _URGENCY_CLASS.get(urgency, "")


@register.filter
def status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


@register.filter
def urgency_label(urgency: str) -> str:
    try:
        return str(Urgency(urgency).label)
    except ValueError:
        return urgency


@register.filter
def term(code: str, scheme: str) -> str:
    """`{{ referral.layer|term:"pyramid-layer" }}`"""
    return labels.term_label(scheme, code)


@register.filter
def terms(codes: list[str], scheme: str) -> str:
    return ", ".join(labels.term_label(scheme, c) for c in codes or [])
