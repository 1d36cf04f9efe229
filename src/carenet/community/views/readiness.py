"""Readiness assessments: list, record, interviews and scores, result and profile."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carenet.community import queries, scoring, services
from carenet.community.forms import (
    AssessmentEditForm,
    AssessmentForm,
    InterviewForm,
    ScoresForm,
)
from carenet.community.models import KeyInformantInterview
from carenet.community.views.common import (
    actor,
    community_initial,
    list_page,
    new_page,
    profile_chart,
    require_app,
    require_edit_somewhere,
    saved,
)


@require_GET
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    require_app(request)
    qs = queries.assessments_for(request.user).order_by("-assessed_on", "-id")
    return list_page(request, qs, "community/assessment_list.html")


@require_http_methods(["GET", "POST"])
@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    require_edit_somewhere(request)
    initial = community_initial(request)
    form = AssessmentForm(request.POST or None, user=request.user, initial=initial)
    return new_page(
        request,
        form,
        lambda: services.assessment_create(actor=actor(request), **form.cleaned_data),
        done=_("The assessment was recorded. Add its key-informant interviews."),
        detail="community:assessment",
        template="community/assessment_form.html",
    )


@require_GET
@login_required
def assessment_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    assessment = queries.assessment_for(request.user, uuid)
    result = queries.assessment_result(assessment)
    context = {
        "assessment": assessment,
        "result": result,
        "dimensions": queries.dimensions_of(assessment.edition),
        "table": queries.score_table(assessment),
        "chart": profile_chart(result),
        "suggestions": queries.suggestions(result),
        "stages": queries.crm_stages(),
        "can_edit": queries.editable(request.user, assessment),
        "typical_interviews": TYPICAL_INTERVIEWS,
    }
    return render(request, "community/assessment.html", context)


# The community readiness model: "conduct typically 6-10 key-respondent interviews". Fewer are
# accepted (a small community may not have more) but the result says it may not hold.
TYPICAL_INTERVIEWS = 6


@require_http_methods(["GET", "POST"])
@login_required
def assessment_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    assessment = queries.assessment_for(request.user, uuid, queries.EDIT)
    initial = {
        "issue": assessment.issue,
        "assessed_on": assessment.assessed_on,
        "notes": assessment.notes,
    }
    form = AssessmentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.assessment_update(actor=actor(request), assessment=assessment, **form.cleaned_data)
        saved(request, _("Saved."))
        return redirect("community:assessment", uuid=assessment.uuid)
    return render(
        request, "community/assessment_edit.html", {"form": form, "assessment": assessment}
    )


@require_http_methods(["GET", "POST"])
@login_required
def interview_new(request: HttpRequest, uuid: str) -> HttpResponse:
    assessment = queries.assessment_for(request.user, uuid, queries.EDIT)
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        interview = services.interview_add(
            actor=actor(request), assessment=assessment, **form.cleaned_data
        )
        saved(request, _("Interview added. Enter the scores."))
        return redirect("community:scores", uuid=interview.uuid)
    return render(
        request, "community/interview_form.html", {"form": form, "assessment": assessment}
    )


@require_http_methods(["GET", "POST"])
@login_required
def scores(request: HttpRequest, uuid: str) -> HttpResponse:
    """One interview's scores by both scorers and their consensus, dimension by dimension."""
    interview = queries.interview_for(request.user, uuid, queries.EDIT)
    assessment = interview.assessment
    dimensions = queries.dimensions_of(assessment.edition)
    form = ScoresForm(
        request.POST or None, dimensions=dimensions, initial=_initial_scores(interview)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(
                actor=actor(request),
                interview=interview,
                scores=form.scores(),
                sector=form.cleaned_data["sector"],
                role=form.cleaned_data["role"],
            )
        except scoring.ScoreError as exc:
            form.add_error(None, str(exc))
        else:
            saved(request, _("Scores saved."))
            return redirect("community:assessment", uuid=assessment.uuid)
    context = {
        "form": form,
        "interview": interview,
        "assessment": assessment,
        "stages": queries.crm_stages(),
    }
    return render(request, "community/scores_form.html", context)


def _initial_scores(interview: KeyInformantInterview) -> dict[str, object]:
    initial: dict[str, object] = {"sector": interview.sector_id, "role": interview.role}
    for score in interview.scores.select_related("dimension"):
        letter = score.dimension.letter
        initial.update(
            {
                f"s1_{letter}": score.scorer_1,
                f"s2_{letter}": score.scorer_2,
                f"c_{letter}": score.consensus,
            }
        )
    return initial


@require_POST
@login_required
def interview_delete(request: HttpRequest, uuid: str) -> HttpResponse:
    interview = queries.interview_for(request.user, uuid, queries.EDIT)
    assessment = interview.assessment
    services.interview_delete(actor=actor(request), interview=interview)
    saved(request, _("The interview and its scores were removed."))
    return redirect("community:assessment", uuid=assessment.uuid)
