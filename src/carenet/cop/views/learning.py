"""Trainings, certificates and competency assessments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carenet.accounts import services as account_services
from carenet.accounts.models import InvitationKind
from carenet.cop import forms, services
from carenet.cop.queries import community as cop_queries
from carenet.cop.queries import learning as queries
from carenet.cop.views.common import (
    acting_organisation,
    apply_errors,
    may_act_for,
    require_network,
    user,
)
from carenet.core import permissions


@login_required
@require_http_methods(["GET"])
def training_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "cop.view"):
        raise PermissionDenied
    page = Paginator(queries.trainings_for(request.user), 30).get_page(request.GET.get("page"))
    can_create = may_act_for(request, "cop.train")
    return render(request, "cop/training_list.html", {"page": page, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    issuer = acting_organisation(request, "cop.train")
    cops = cop_queries.my_cops(request.user)
    form = forms.TrainingForm(request.POST or None, curricula=queries.curricula(), cops=cops)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(
                actor=user(request), issuer=issuer, **form.cleaned_data
            )
            messages.success(request, _("The training was recorded."))
            return redirect("cop:training", uuid=training.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "cop/training_form.html", {"form": form, "issuer": issuer})


@login_required
@require_http_methods(["GET"])
def training_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    training = queries.training_for(request.user, uuid)
    manage = permissions.can_on(request.user, "cop.training.manage", training)
    mine = queries.own_participation(request.user, training)
    return render(
        request,
        "cop/training_detail.html",
        {
            "training": training,
            "manage": manage,
            "mine": mine,
            "participants": queries.participants_of(training) if manage else [],
            "trainers": training.trainers.all(),
            "person_form": forms.PersonInviteForm(),
        },
    )


def _person_post(request: HttpRequest, uuid: Any, what: str) -> HttpResponse:
    """Invite a trainer or participant by e-mail: the same answer for every address, so
    nobody learns whether it has an account; they are added when they accept."""
    training = queries.training_to_manage(request.user, uuid)
    form = forms.PersonInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("email", [])))
        return redirect("cop:training", uuid=training.uuid)
    account_services.invitation_to(
        actor=user(request),
        email=form.cleaned_data["email"],
        organisation=training.issuer,
        kind=InvitationKind.TRAINER if what == "trainer" else InvitationKind.TRAINING,
        target=training.uuid,
        target_label=training.title,
    )
    messages.success(
        request, _("An invitation was e-mailed. The person is added when they accept it.")
    )
    return redirect("cop:training", uuid=training.uuid)


@login_required
@require_POST
def training_trainer_add(request: HttpRequest, uuid: Any) -> HttpResponse:
    return _person_post(request, uuid, "trainer")


@login_required
@require_POST
def training_participant_add(request: HttpRequest, uuid: Any) -> HttpResponse:
    return _person_post(request, uuid, "participant")


@login_required
@require_http_methods(["GET", "POST"])
def participant_scores(request: HttpRequest, uuid: Any) -> HttpResponse:
    participant = queries.participant_to_manage(request.user, uuid)
    form = forms.ScoresForm(
        request.POST or None,
        initial={
            "pre_score": participant.pre_score,
            "post_score": participant.post_score,
            "completed": participant.completed,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_scores(
                actor=user(request), participant=participant, **form.cleaned_data
            )
            messages.success(request, _("Saved."))
            return redirect("cop:training", uuid=participant.training.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "cop/scores_form.html", {"form": form, "participant": participant})


@login_required
@require_POST
def certificate_issue(request: HttpRequest, uuid: Any) -> HttpResponse:
    participant = queries.participant_to_manage(request.user, uuid)
    try:
        services.certificate_issue(actor=user(request), participant=participant)
        messages.success(request, _("The certificate was issued."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("cop:training", uuid=participant.training.uuid)


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, uuid: Any) -> HttpResponse:
    participant = queries.participant_to_manage(request.user, uuid)
    certificate = getattr(participant, "certificate", None)
    if certificate is None:
        raise Http404
    services.certificate_revoke(actor=user(request), certificate=certificate)
    messages.success(request, _("The certificate was revoked."))
    return redirect("cop:training", uuid=participant.training.uuid)


@require_http_methods(["GET"])
def certificate_public(request: HttpRequest, code: str) -> HttpResponse:
    """Public and printable: only the name, training, date and issuer."""
    certificate = queries.certificate_by_code(code)
    if certificate is None:
        raise Http404
    response = render(request, "cop/certificate.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET"])
def certificate_verify(request: HttpRequest) -> HttpResponse:
    form = forms.VerifyForm(request.GET or None)
    not_found = False
    if request.GET and form.is_valid():
        certificate = queries.certificate_by_code(form.cleaned_data["code"])
        if certificate is not None:
            return redirect("cop:certificate", code=certificate.code)
        not_found = True
    response = render(
        request,
        "cop/certificate_verify.html",
        {"form": form, "not_found": not_found},
        status=404 if not_found else 200,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_http_methods(["GET"])
def assessment_list(request: HttpRequest) -> HttpResponse:
    require_network(request)
    page = Paginator(queries.assessments_for(request.user), 30).get_page(request.GET.get("page"))
    can_assess = queries.assessable_people(request.user).exists()
    return render(request, "cop/assessment_list.html", {"page": page, "can_assess": can_assess})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    people = queries.assessable_people(request.user)
    if not people.exists():
        raise PermissionDenied
    frameworks = list(queries.frameworks())
    framework = next(
        (f for f in frameworks if f.code == request.GET.get("framework")),
        queries.default_framework(),
    )
    if framework is None:
        raise Http404
    initial = {"practitioner": queries.preselected_person(request.user, request.GET.get("member"))}
    form = forms.AssessmentForm(
        request.POST or None, framework=framework, people=people, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=user(request),
                practitioner=form.cleaned_data["practitioner"],
                framework=framework,
                assessed_on=form.cleaned_data["assessed_on"],
                context=form.cleaned_data["context"],
                levels=form.levels(),
            )
            messages.success(request, _("The assessment was recorded."))
            return redirect("cop:assessment", uuid=assessment.uuid)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "cop/assessment_form.html",
        {"form": form, "framework": framework, "frameworks": frameworks},
    )


@login_required
@require_http_methods(["GET"])
def assessment_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    assessment = queries.assessment_for(request.user, uuid)
    with transaction.atomic():
        services.assessment_viewed(actor=user(request), assessment=assessment)
    levels = {lv.level: lv for lv in assessment.framework.levels.all()}
    ratings = [
        (r, levels.get(r.level))
        for r in sorted(assessment.ratings.all(), key=lambda r: r.item.sort_order)
    ]
    return render(
        request, "cop/assessment_detail.html", {"assessment": assessment, "ratings": ratings}
    )


@login_required
@require_http_methods(["GET"])
def frameworks(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "cop.view"):
        raise PermissionDenied
    return render(
        request,
        "cop/frameworks.html",
        {"frameworks": queries.frameworks(), "curricula": queries.curricula()},
    )
