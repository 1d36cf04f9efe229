"""Views of the referrals app: parse, authorise (through queries), call one service, render.

Everything here needs a signed-in user; lists and registers act for the organisation the user
acts for (`request.acting_organisation`); one referral or client is reached by UUID through
`queries`, which answers 404 to anyone outside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from carenet.accounts.models import Organisation
from carenet.core import permissions, spreadsheets
from carenet.core.errors import CannotChange
from carenet.referrals import fhir, forms, metrics, queries, services
from carenet.referrals.consent import ConsentRequired
from carenet.referrals.models import Client, Outcome, Referral
from carenet.referrals.workflow import TRANSITIONS


def _acting(request: HttpRequest, action: str = "referral.view") -> Organisation:
    """The organisation the user acts for, if their role there allows `action`; else 404."""
    org = getattr(request, "acting_organisation", None)
    if org is None or not permissions.acts_for(request.user, action, org):
        raise Http404
    return org


def _client_to_change(
    request: HttpRequest, uuid: Any, action: str = "referral.handle", *, audited: bool = False
) -> Client:
    """The client, for a page that changes it: 404 to anyone who may not see it (queries);
    one who sees it but may not take `action` gets the translated "you cannot change this"
    page with a way back to the client, not a bare 403."""
    try:
        if audited:  # the edit form shows the identifying fields: audited as a view
            return queries.open_client_to_handle(request.user, uuid, request)
        return queries.client_to_handle(request.user, uuid, action)
    except PermissionDenied:
        raise CannotChange(back_url=reverse("referrals:client", args=[uuid])) from None


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, queries.PAGE_SIZE).get_page(request.GET.get("page"))


# --- inbox and outbox ------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals received by the acting organisation, with filters."""
    org = _acting(request)
    form = forms.ListFilterForm(request.GET or None)
    filters = queries.ListFilters.from_query(request.GET)
    page = _page(request, queries.inbox(request.user, org, filters))
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "form": form,
            "organisation": org,
            "box": "inbox",
            "unread": queries.unread_count(request.user, org),
            "to_see": queries.outcomes_to_see(request.user, org),
        },
    )


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """Referrals the acting organisation made, drafts included."""
    org = _acting(request)
    form = forms.ListFilterForm(request.GET or None)
    filters = queries.ListFilters.from_query(request.GET)
    page = _page(request, queries.outbox(request.user, org, filters))
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "form": form,
            "organisation": org,
            "box": "outbox",
            "unread": queries.unread_count(request.user, org),
            "to_see": queries.outcomes_to_see(request.user, org),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    org = _acting(request)
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user, organisation=org)
        return redirect("referrals:notifications")
    page = _page(request, queries.notifications_for(request.user, org))
    return render(request, "referrals/notifications.html", {"page": page, "organisation": org})


# --- clients and consent ---------------------------------------------------------------------


@login_required
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    org = _acting(request)
    search = request.GET.get("code", "")[:12]
    page = _page(request, queries.client_register(request.user, org, search))
    return render(
        request,
        "referrals/clients.html",
        {
            "page": page,
            "organisation": org,
            "search": search,
            "can_register": permissions.acts_for(request.user, "referral.handle", org),
        },
    )


@login_required
def client_new(request: HttpRequest) -> HttpResponse:
    org = _acting(request, "referral.handle")
    form = forms.ClientForm(request.POST or None)

    def register(details: services.ClientDetails) -> Client:
        return services.client_register(actor=request.user, organisation=org, details=details)

    done = _save_client(request, form, register, _("Client %(code)s registered."))
    return done or render(
        request, "referrals/client_form.html", {"form": form, "organisation": org}
    )


@login_required
def client_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Correct a client's details (its organisation's members who handle referrals)."""
    client = _client_to_change(request, uuid, audited=request.method != "POST")
    form = forms.ClientForm(request.POST or None, initial=forms.ClientForm.initial_for(client))

    def update(details: services.ClientDetails) -> Client:
        return services.client_update(actor=request.user, client=client, details=details)

    done = _save_client(request, form, update, _("Client %(code)s updated."))
    return done or render(request, "referrals/client_form.html", {"form": form, "client": client})


def _save_client(
    request: HttpRequest,
    form: forms.ClientForm,
    save: Callable[[services.ClientDetails], Client],
    message: str,
) -> HttpResponse | None:
    """Save a valid posted client form through `save`; a refusal becomes a form error."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        client = save(services.ClientDetails(**form.cleaned_data))
    except services.ReferralError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, message % {"code": client.code})
    return redirect("referrals:client", uuid=client.uuid)


@login_required
def client_erase(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Right to erasure: confirm, then wipe the identifying fields (organisation admins)."""
    client = _client_to_change(request, uuid, "referral.manage")
    if request.method == "POST":
        try:
            services.client_erase(actor=request.user, client=client)
        except services.ReferralError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The identifying details of %(code)s are erased.") % {"code": client.code},
            )
            return redirect("referrals:client", uuid=client.uuid)
    return render(request, "referrals/client_erase.html", {"client": client})


@login_required
@require_GET
def client_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    client = queries.open_client(request.user, uuid, request)
    return render(
        request,
        "referrals/client.html",
        {
            "client": client,
            "consents": queries.consents_of(client),
            "referrals": queries.referrals_of_client(request.user, client),
            "can_handle": permissions.acts_for(
                request.user, "referral.handle", client.organisation
            ),
            "can_erase": permissions.acts_for(request.user, "referral.manage", client.organisation),
            "now": timezone.now(),
        },
    )


@login_required
def consent_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    client = _client_to_change(request, uuid)
    referral = _draft_of(request, client)
    candidates = queries.consent_organisations(client)
    initial = (
        {"organisations": [referral.to_organisation.uuid]}
        if referral and referral.to_organisation
        else {}
    )
    form = forms.ConsentForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                client=client,
                purpose=data["purpose"],
                given_by=data["given_by"],
                method=data["method"],
                organisations=form.chosen_organisations(),
                shared_fields=data["shared_fields"],
                valid_until=data["valid_until"],
                referral=referral if data["for_referral"] else None,
            )
        except services.ReferralError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Consent recorded."))
            if referral is not None:
                return redirect("referrals:detail", uuid=referral.uuid)
            return redirect("referrals:client", uuid=client.uuid)
    return render(
        request,
        "referrals/consent_form.html",
        {
            "form": form,
            "client": client,
            "referral": referral,
            "organisations": _consent_choices(
                client, request.GET.get("org_search", ""), form.chosen_values()
            ),
            "chosen": form.chosen_values(),
            "org_search": request.GET.get("org_search", "")[:100],
        },
    )


def _consent_choices(client: Client, search: str, chosen: set[str]) -> list[Organisation]:
    """The organisations matching `search`, and those already ticked whatever the search."""
    everyone = queries.consent_organisations(client)
    if not search.strip():
        return list(everyone)
    found = set(queries.consent_organisations(client, search))
    return [o for o in everyone if str(o.uuid) in chosen or o in found]


@login_required
@require_GET
def consent_organisations(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The consent form's organisation checkboxes narrowed to a search (htmx), keeping the
    ones already ticked."""
    client = _client_to_change(request, uuid)
    chosen = set(request.GET.getlist("organisations"))
    shown = _consent_choices(client, request.GET.get("org_search", ""), chosen)
    return render(
        request,
        "referrals/_consent_organisations.html",
        {"organisations": shown, "chosen": chosen},
    )


def _draft_of(request: HttpRequest, client: Any) -> Referral | None:
    """The client's draft named in ?referral=<uuid>, if any (for consent from a draft)."""
    ref = request.GET.get("referral") or request.POST.get("referral")
    if not ref:
        return None
    referral = queries.referral_for_user(request.user, ref)
    if referral.client_id != client.pk:
        raise Http404
    return referral


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, uuid: Any) -> HttpResponse:
    consent = queries.consent_for_user(request.user, uuid)
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except services.ReferralError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Consent withdrawn. Nothing more is shared under it."))
    return redirect("referrals:client", uuid=consent.client.uuid)


# --- one referral ----------------------------------------------------------------------------


@login_required
def referral_new(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Start a draft for a client: the need; suggestions follow on the draft's page."""
    client = _client_to_change(request, uuid)
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                actor=request.user, client=client, **form.cleaned_data
            )
        except services.ReferralError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("referrals:detail", uuid=referral.uuid)
    return render(request, "referrals/need_form.html", {"form": form, "client": client})


@login_required
@require_GET
def detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The referral as this user may see it, with the actions this user may take."""
    page = queries.open_referral(request.user, uuid, request)
    referral = page.referral
    if page.is_sender and referral.has_outcome and not referral.loop_closed:
        services.referral_mark_outcome_seen(actor=request.user, referral=referral)
    for side_org in _side_orgs(page, request.user):
        services.notifications_mark_read(
            actor=request.user, organisation=side_org, referral=referral
        )
    context: dict[str, Any] = {
        "page": page,
        "r": referral,
        "person": page.person,
        "form": forms.TransitionForm(),
        "outcome_choices": Outcome.choices,
    }
    if page.may_edit_draft:
        context["need_form"] = forms.NeedForm(initial=_need_initial(referral))
        context["suggestions"] = queries.suggestions_for(referral)
    return render(request, "referrals/detail.html", context)


def _side_orgs(page: queries.ReferralPage, user: Any) -> list[Organisation]:
    """The organisations whose notifications of this referral the viewer has now seen: those
    they are a member of (a superuser browsing marks nothing as read)."""
    r = page.referral
    orgs = [r.from_organisation] if page.is_sender else []
    if "receiver" in page.sides and r.to_organisation is not None:
        orgs.append(r.to_organisation)
    return [o for o in orgs if permissions.acts_for(user, "referral.view", o)]


def _need_initial(referral: Referral) -> dict[str, Any]:
    return {f: getattr(referral, f) for f in services.DRAFT_FIELDS}


@login_required
@require_POST
def draft_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    referral = queries.referral_for_user(request.user, uuid)
    form = forms.NeedForm(request.POST)
    if form.is_valid():
        try:
            services.referral_update_draft(
                actor=request.user, referral=referral, **form.cleaned_data
            )
        except services.ReferralError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Draft saved. The suggestions are updated."))
    else:
        messages.error(request, _("Check the need: some values are not valid."))
    return redirect(reverse("referrals:detail", kwargs={"uuid": referral.uuid}) + "#suggestions")


@login_required
@require_POST
def choose_service(request: HttpRequest, uuid: Any) -> HttpResponse:
    referral = queries.referral_for_user(request.user, uuid)
    form = forms.ChooseServiceForm(request.POST)
    if not form.is_valid():
        raise Http404
    service, site = queries.chosen_service(form.cleaned_data["service"], form.cleaned_data["site"])
    try:
        services.referral_choose_service(
            actor=request.user, referral=referral, service=service, site=site
        )
    except services.ReferralError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Service chosen. Check consent, then send."))
    return redirect(reverse("referrals:detail", kwargs={"uuid": referral.uuid}) + "#send")


@login_required
@require_POST
def act(request: HttpRequest, uuid: Any, name: str) -> HttpResponse:
    """Make one transition (send, accept, decline, ...); the service checks everything."""
    referral = queries.referral_for_user(request.user, uuid)
    if name not in TRANSITIONS:
        raise Http404
    form = forms.TransitionForm(request.POST)
    form.is_valid()
    data = {
        k: form.cleaned_data.get(k) or ""
        for k in ("reason", "outcome", "feedback", "override_reason")
    }
    try:
        services.referral_transition(actor=request.user, referral=referral, name=name, **data)
    except ConsentRequired as exc:
        messages.error(request, exc.message)
    except services.ReferralError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(DONE.get(name, _("The referral is updated."))))
    return redirect("referrals:detail", uuid=referral.uuid)


# What a person reads once a step is done: a sentence about the referral, not the button's
# label ("Done: Send." read awkwardly).
DONE = {
    "send": gettext_lazy("The referral is sent."),
    "acknowledge": gettext_lazy("You have acknowledged the referral."),
    "accept": gettext_lazy("You have accepted the referral."),
    "decline": gettext_lazy("You have declined the referral; the sender is told why."),
    "start": gettext_lazy("The service has started."),
    "no_show": gettext_lazy("The person is recorded as not having attended."),
    "complete": gettext_lazy("The referral is complete and the feedback is sent."),
    "cancel": gettext_lazy("The referral is cancelled."),
    "revoke": gettext_lazy("The referral is revoked."),
}


# --- exports ---------------------------------------------------------------------------------


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """The acting organisation's own referrals as CSV (no personal fields), audited."""
    org = _acting(request, "referral.export")
    rows = queries.export_rows(request.user, org, request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="referrals-{org.acronym}-{stamp}.csv"'
    writer = spreadsheets.csv_writer(response)
    writer.writerow(queries.EXPORT_COLUMNS)
    writer.writerows(rows)
    return response


@login_required
@require_GET
def referral_fhir(request: HttpRequest, uuid: Any) -> JsonResponse:
    """ServiceRequest + Task (+ Consent) as a FHIR R5 collection Bundle."""
    page = queries.open_referral(request.user, uuid, request)
    bundle = fhir.referral_bundle(page.referral)
    return JsonResponse(
        bundle,
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@login_required
@require_GET
def consent_fhir(request: HttpRequest, uuid: Any) -> JsonResponse:
    consent = queries.consent_for_user(request.user, uuid)
    return JsonResponse(
        fhir.consent_resource(consent),
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@login_required
@require_GET
def pathway_metrics(request: HttpRequest) -> HttpResponse:
    """Coordinators: referrals per pathway, counts only, small cells suppressed."""
    if not metrics.may_see_metrics(request.user):
        raise Http404
    by = request.GET.get("by", "organisation")
    rows = metrics.pathway_metrics(request.user, by)
    if request.GET.get("format") == "json":
        return JsonResponse({"by": by, "rows": rows}, json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "referrals/metrics.html",
        {
            "rows": rows,
            "by": by if by in metrics.GROUPINGS else "organisation",
            "groupings": metrics.GROUPINGS,
        },
    )
