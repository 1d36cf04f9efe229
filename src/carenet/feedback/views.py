"""Views of the feedback app: thin, as everywhere (parse, authorise, call, render).

The public pages (forms, poster, follow-up, notes) need no account; the rest act for the
organisation the user acts for and reach records only through `queries`.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carenet.accounts.models import Organisation
from carenet.core import antispam, permissions
from carenet.feedback import forms, queries, services
from carenet.feedback.models import TRANSITIONS, ComplaintStatus

POSTER_LANGUAGES = ("en", "uk", "pl")
# One module per millimetre with a viewBox, so that the stylesheet sizes the code on paper.
QR_OPTIONS: dict[str, Any] = {
    "scale": 1,
    "border": 4,
    "unit": "mm",
    "dark": "#000",
    "light": "#fff",
}


def _uid(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _acting(request: HttpRequest, action: str) -> Organisation:
    org = getattr(request, "acting_organisation", None)
    if org is None or not permissions.acts_for(request.user, action, org):
        raise Http404
    return org


# --- public: forms, poster, follow-up ------------------------------------------------------


def _target(kind: str, uuid: Any) -> tuple[Any, Any]:
    """(site, service) of a public form; one of them is None."""
    if kind == "site":
        return queries.public_site(uuid), None
    return None, queries.public_service(uuid)


def _urls(kind: str, target: Any) -> dict[str, str]:
    """The public addresses of a site's or a service's form pages."""
    names = {
        "form": kind,
        "thanks": "thanks" if kind == "site" else "service_thanks",
        "complaint": "complaint_form" if kind == "site" else "service_complaint",
        "poster": "poster" if kind == "site" else "service_poster",
    }
    return {
        key: reverse(f"feedback:{name}", kwargs={"uuid": target.uuid})
        for key, name in names.items()
    }


def _limited(request: HttpRequest, form: forms.PublicForm) -> bool:
    if antispam.over_limit(request):
        form.add_error(
            None, _("Too many forms were sent from this connection. Please try again later.")
        )
        return True
    return False


def _show_again(form: forms.PublicForm) -> None:
    """A form shown again after an error gets a new token (the old one proves nothing)."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound
    data["token"] = form.fresh_token()
    form.data = data


@require_http_methods(["GET", "POST"])
def feedback_form(request: HttpRequest, uuid: Any, kind: str = "site") -> HttpResponse:
    """The anonymous feedback form of a site or service (the poster's QR code opens it)."""
    site, service = _target(kind, uuid)
    target = site or service
    form = forms.FeedbackForm(request.POST or None, target=str(target.uuid))
    status = 200
    if request.method == "POST":
        if _limited(request, form):
            status = 429
        elif form.is_valid():
            services.feedback_submit(
                scores=form.scores(),
                text=form.cleaned_data["text"],
                contact=form.cleaned_data["contact"],
                language=translation.get_language() or "",
                site=site,
                service=service,
            )
            return redirect(_urls(kind, target)["thanks"])
        else:
            status = 400
        _show_again(form)
    context = {
        "form": form,
        "site": site,
        "service": service,
        "target": target,
        "kind": kind,
        "urls": _urls(kind, target),
        "notes": queries.notes_of_site(site) if site else [],
    }
    return render(request, "feedback/form.html", context, status=status)


@require_GET
def thanks(request: HttpRequest, uuid: Any, kind: str = "site") -> HttpResponse:
    site, service = _target(kind, uuid)
    return render(
        request,
        "feedback/thanks.html",
        {
            "target": site or service,
            "urls": _urls(kind, site or service),
            "notes": queries.notes_of_site(site) if site else [],
        },
    )


@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest, uuid: Any, kind: str = "site") -> HttpResponse:
    site, service = _target(kind, uuid)
    target = site or service
    form = forms.ComplaintForm(request.POST or None, target=str(target.uuid))
    status = 200
    if request.method == "POST":
        if _limited(request, form):
            status = 429
        elif form.is_valid():
            complaint = services.complaint_submit(
                category=form.cleaned_data["category"],
                text=form.cleaned_data["text"],
                contact=form.cleaned_data["contact"],
                identity_shared=form.cleaned_data["identity_shared"],
                language=translation.get_language() or "",
                site=site,
                service=service,
            )
            messages.success(
                request,
                _("Your complaint was received. Keep the address of this page to follow it."),
            )
            return redirect("feedback:follow_up", code=complaint.follow_up_code)
        else:
            status = 400
        _show_again(form)
    return render(
        request,
        "feedback/complaint_form.html",
        {"form": form, "target": target, "urls": _urls(kind, target)},
        status=status,
    )


@require_GET
def follow_up_lookup(request: HttpRequest) -> HttpResponse:
    form = forms.FollowUpForm(request.GET or None)
    if form.is_valid():
        return redirect("feedback:follow_up", code=form.cleaned_data["code"].strip())
    return render(request, "feedback/follow_up_lookup.html", {"form": form})


@require_GET
def follow_up(request: HttpRequest, code: str) -> HttpResponse:
    """The person's private page of their complaint: its status and the response."""
    complaint = queries.complaint_by_code(code)
    response = render(request, "feedback/follow_up.html", {"complaint": complaint})
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def poster(request: HttpRequest, uuid: Any, kind: str = "site") -> HttpResponse:
    """A printable A4 poster with the QR code of the form, in English, Ukrainian or Polish."""
    site, service = _target(kind, uuid)
    target = site or service
    lang = request.GET.get("lang", "")
    if lang not in POSTER_LANGUAGES:
        lang = (translation.get_language() or "en")[:2]
        lang = lang if lang in POSTER_LANGUAGES else "en"
    url = request.build_absolute_uri(_urls(kind, target)["form"])
    qr = segno.make(url, error="m")
    with translation.override(lang):
        return render(
            request,
            "feedback/poster.html",
            {
                "target": target,
                "kind": kind,
                "url": url,
                "qr_svg": qr.svg_inline(**QR_OPTIONS),
                "lang": lang,
                "languages": POSTER_LANGUAGES,
            },
        )


@require_GET
def notes(request: HttpRequest, uuid: Any) -> HttpResponse:
    site = queries.public_site(uuid)
    return render(
        request, "feedback/notes.html", {"site": site, "notes": queries.notes_of_site(site, 50)}
    )


# --- the organisation's people ------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    org = _acting(request, "feedback.view")
    items = queries.feedback_for(request.user).filter(organisation=org)[:100]
    return render(
        request,
        "feedback/inbox.html",
        {"organisation": org, "items": items, "sites": queries.sites_of(request.user, org)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    item = queries.feedback_item(request.user, uuid)
    may_respond = permissions.acts_for(request.user, "feedback.respond", item.organisation)
    initial = {"themes": list(item.themes.all()), "response": item.response}
    form = forms.RespondForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_respond:
            raise PermissionDenied
        if form.is_valid():
            note = services.feedback_respond(
                actor=request.user,
                feedback=item,
                themes=form.cleaned_data["themes"],
                response=form.cleaned_data["response"],
                you_said=form.cleaned_data["you_said"],
                we_did=form.cleaned_data["we_did"],
                request=request,
            )
            messages.success(
                request, _("Saved.") + (" " + _("The public note is published.") if note else "")
            )
            return redirect("feedback:item", uuid=item.uuid)
    return render(
        request,
        "feedback/feedback_detail.html",
        {"item": item, "form": form, "may_respond": may_respond},
    )


@login_required
@require_GET
def complaints(request: HttpRequest) -> HttpResponse:
    rows = list(queries.complaints_for(request.user)[:200])
    return render(request, "feedback/complaints.html", {"complaints": rows})


@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    complaint = queries.complaint_for(request.user, uuid)
    allowed = TRANSITIONS.get(complaint.status, ())
    form = forms.ComplaintStepForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_step(
                actor=request.user,
                complaint=complaint,
                to=form.cleaned_data["to"],
                response=form.cleaned_data["response"],
                themes=form.cleaned_data["themes"],
                request=request,
            )
        except ValidationError:
            form.add_error(None, _("This step is not possible now."))
        else:
            messages.success(request, _("The complaint was updated."))
            return redirect("feedback:complaint", uuid=complaint.uuid)
    if request.method == "GET":
        services.complaint_viewed(actor=request.user, complaint=complaint, request=request)
    subject_form = forms.SubjectForm(
        initial={"subject_user": complaint.subject_user_id},
        people=queries.members_of(complaint.organisation).exclude(pk=_uid(request)),
    )
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "complaint": complaint,
            "form": form if allowed else None,
            "subject_form": subject_form,
            "statuses": ComplaintStatus.choices,
        },
    )


@login_required
@require_POST
def complaint_subject(request: HttpRequest, uuid: Any) -> HttpResponse:
    complaint = queries.complaint_for(request.user, uuid)
    form = forms.SubjectForm(
        request.POST, people=queries.members_of(complaint.organisation).exclude(pk=_uid(request))
    )
    if not form.is_valid():
        messages.error(request, _("Choose a member of the organisation."))
        return redirect("feedback:complaint", uuid=complaint.uuid)
    services.complaint_set_subject(
        actor=request.user,
        complaint=complaint,
        subject=form.cleaned_data["subject_user"],
        request=request,
    )
    messages.success(request, _("Saved."))
    return redirect("feedback:complaint", uuid=complaint.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    org = _acting(request, "feedback.settings")
    current = services.policy_of(org)
    form = forms.PolicyForm(
        request.POST or None,
        people=queries.members_of(org),
        initial={
            "acknowledge_days": current.acknowledge_days,
            "respond_days": current.respond_days,
            "safeguarding_focal_point": current.safeguarding_focal_point_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.policy_set(
            actor=request.user,
            organisation=org,
            acknowledge_days=form.cleaned_data["acknowledge_days"],
            respond_days=form.cleaned_data["respond_days"],
            focal_point=form.cleaned_data["safeguarding_focal_point"],
            request=request,
        )
        messages.success(request, _("Saved."))
        return redirect("feedback:policy")
    return render(request, "feedback/policy.html", {"form": form, "organisation": org})


@login_required
@require_GET
def insights(request: HttpRequest) -> HttpResponse:
    """Satisfaction, response times and themes of one organisation (or one of its sites)."""
    if not permissions.can_somewhere(request.user, "feedback.insights"):
        raise Http404
    organisations = queries.organisations_for_insights(request.user)
    chosen = request.GET.get("organisation") or getattr(request.acting_organisation, "uuid", "")  # type: ignore[attr-defined]
    wanted = queries.as_uuid_or_none(chosen) if chosen else None
    org = organisations.filter(uuid=wanted).first() if wanted else None
    org = org or organisations.first()
    site = None
    if org is not None and request.GET.get("site"):
        site = queries.site_of_organisation(org, request.GET["site"])
    return render(
        request,
        "feedback/insights.html",
        {
            "organisations": organisations[:500],
            "organisation": org,
            "site": site,
            "sites": queries.public_sites_of(org) if org else [],
            "data": queries.insights(org, site) if org else None,
        },
    )


@login_required
@require_POST
def note_withdraw(request: HttpRequest, uuid: Any) -> HttpResponse:
    note = queries.note_for(request.user, uuid)
    services.note_withdraw(actor=request.user, note=note, request=request)
    messages.success(request, _("The note was withdrawn."))
    return redirect("feedback:notes", uuid=note.site.uuid)
