"""Small helpers shared by the community views."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from carenet.community import queries, scoring
from carenet.core import charts

if TYPE_CHECKING:
    from carenet.accounts.models import User


def require_app(request: HttpRequest) -> None:
    """The community pages are for members of an organisation and coordinators."""
    if not queries.may_use_community_app(request.user):
        raise PermissionDenied


def require_edit_somewhere(request: HttpRequest) -> None:
    if not queries.may_record_somewhere(request.user):
        raise PermissionDenied


def today() -> Any:
    return timezone.localdate()


def form_error(form: Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form."""
    form.add_error(None, exc)


def saved(request: HttpRequest, text: str) -> None:
    messages.success(request, text)


def can_record(request: HttpRequest) -> bool:
    """Whether to offer "record ..." links: the user may edit somewhere."""
    return queries.may_record_somewhere(request.user)


def actor(request: HttpRequest) -> User:
    """The signed-in user who acts (every view that writes is behind `login_required`)."""
    return cast("User", request.user)


def profile_chart(result: scoring.ReadinessResult) -> SafeString:
    """One bar per dimension and one for the overall stage, on the 1-9 scale."""
    rows = [(f"{d.letter}. {d.name}", [(d.shown, "bar-0")]) for d in result.dimensions]
    rows.append((_("Overall"), [(result.overall_shown, "bar-overall")]))
    return charts.scale_chart(
        rows,
        scale_max=scoring.STAGE_MAX,
        title=_("Readiness profile by dimension"),
        css="readiness",
    )


def comparison_chart(results: list[scoring.ReadinessResult], title: str) -> SafeString:
    """Per dimension, one bar per assessment (oldest first, the last four), the series'
    classes `bar-0`..`bar-3` matching the legend's swatches."""
    results = results[-4:]
    rows: list[tuple[str, list[tuple[Decimal | None, str]]]] = []
    if results:
        for index, dim in enumerate(results[-1].dimensions):
            bars = [(r.dimensions[index].shown, f"bar-{n}") for n, r in enumerate(results)]
            rows.append((f"{dim.letter}. {dim.name}", bars))
        rows.append((_("Overall"), [(r.overall_shown, f"bar-{n}") for n, r in enumerate(results)]))
    return charts.scale_chart(rows, scale_max=scoring.STAGE_MAX, title=title, css="readiness")
