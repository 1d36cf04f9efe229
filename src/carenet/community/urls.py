from django.urls import path

from carenet.community.views import implementation, overview, readiness, sessions, spaces

app_name = "community"

urlpatterns = [
    path("", overview.index, name="index"),
    path("places/<str:pcode>/", overview.community, name="community"),
    # readiness assessments
    path("assessments/", readiness.assessment_list, name="assessments"),
    path("assessments/new/", readiness.assessment_new, name="assessment_new"),
    path("assessments/<str:uuid>/", readiness.assessment_detail, name="assessment"),
    path("assessments/<str:uuid>/edit/", readiness.assessment_edit, name="assessment_edit"),
    path("assessments/<str:uuid>/interviews/new/", readiness.interview_new, name="interview_new"),
    path("interviews/<str:uuid>/scores/", readiness.scores, name="scores"),
    path("interviews/<str:uuid>/delete/", readiness.interview_delete, name="interview_delete"),
    # strategic sessions
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("sessions/<str:uuid>/", sessions.session_detail, name="session"),
    path("sessions/<str:uuid>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<str:uuid>/actions/", sessions.action_item_new, name="action_item_new"),
    path("actions/overdue/", sessions.overdue, name="overdue"),
    path("actions/<str:uuid>/status/", sessions.action_item_status, name="action_item_status"),
    # implementation tracker
    path("implementation/", implementation.network, name="network"),
    path("implementation/new/", implementation.implementation_new, name="implementation_new"),
    path("implementation/<str:uuid>/", implementation.implementation_detail, name="implementation"),
    path(
        "implementation/<str:uuid>/advance/",
        implementation.implementation_advance,
        name="implementation_advance",
    ),
    path("implementation/<str:uuid>/stages/<slug:code>/", implementation.stage_edit, name="stage"),
    path(
        "implementation/<str:uuid>/stages/<slug:code>/evidence/",
        implementation.evidence_new,
        name="evidence_new",
    ),
    path("evidence/<str:uuid>/", implementation.evidence_download, name="evidence"),
    # support spaces
    path("spaces/", spaces.space_list, name="spaces"),
    path("spaces/new/", spaces.space_new, name="space_new"),
    path("spaces/<str:uuid>/", spaces.space_detail, name="space"),
    path("spaces/<str:uuid>/edit/", spaces.space_edit, name="space_edit"),
    path("spaces/<str:uuid>/checklist/", spaces.checklist, name="checklist"),
]
