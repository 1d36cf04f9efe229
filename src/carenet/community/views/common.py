"""Small helpers shared by the community views."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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


def list_page(request: HttpRequest, qs: Any, template: str, per_page: int = 30) -> HttpResponse:
    """A list page: one page of `qs`, and whether to offer "record ..." links."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "can_edit": can_record(request)})


def community_initial(request: HttpRequest) -> dict[str, str]:
    """A "record ..." link from a community's page names the community."""
    return {"community": request.GET.get("community", "")[:40]}


def new_page(
    request: HttpRequest,
    form: Form,
    create: Callable[[], Any],
    *,
    done: str,
    detail: str,
    template: str,
) -> HttpResponse:
    """A "record ..." page: on a valid POST `create()` calls the service, then the new
    record's page (`detail`, by its uuid) shows `done`; a refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            record = create()
        except ValidationError as exc:
            form_error(form, exc)
        else:
            saved(request, done)
            return redirect(detail, uuid=record.uuid)
    return render(request, template, {"form": form})


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
