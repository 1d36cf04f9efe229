from django.urls import path

from carenet.cop.views import community, content, health, learning, practitioner, wellbeing

app_name = "cop"

urlpatterns = [
    path("", community.cop_list, name="list"),
    path("new/", community.cop_create, name="create"),
    path("me/", practitioner.my_page, name="me"),
    path("health/", health.health_overview, name="health_overview"),
    path("library/", content.network_library, name="network_library"),
    path("supervision/", content.supervision_list, name="supervision_list"),
    path("supervision/<uuid:uuid>/", content.supervision_detail, name="supervision"),
    path("resources/<uuid:uuid>/download/", content.resource_download, name="resource_download"),
    path("resources/<uuid:uuid>/remove/", content.resource_remove, name="resource_remove"),
    path("threads/<uuid:uuid>/", content.thread_detail, name="thread"),
    path("meetings/<uuid:uuid>/", community.meeting_detail, name="meeting"),
    path("meetings/<uuid:uuid>/edit/", community.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<uuid:uuid>/attendance/", community.meeting_attendance, name="meeting_attendance"
    ),
    path("members/<uuid:uuid>/leave/", community.member_leave, name="member_leave"),
    path("members/<uuid:uuid>/role/", community.member_role, name="member_role"),
    path("trainings/", learning.training_list, name="trainings"),
    path("trainings/new/", learning.training_new, name="training_new"),
    path("trainings/<uuid:uuid>/", learning.training_detail, name="training"),
    path("trainings/<uuid:uuid>/trainers/", learning.training_trainer_add, name="trainer_add"),
    path(
        "trainings/<uuid:uuid>/participants/",
        learning.training_participant_add,
        name="participant_add",
    ),
    path("participants/<uuid:uuid>/scores/", learning.participant_scores, name="scores"),
    path(
        "participants/<uuid:uuid>/certificate/",
        learning.certificate_issue,
        name="certificate_issue",
    ),
    path(
        "participants/<uuid:uuid>/certificate/revoke/",
        learning.certificate_revoke,
        name="certificate_revoke",
    ),
    path("certificates/verify/", learning.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/", learning.certificate_public, name="certificate"),
    path("competencies/", learning.assessment_list, name="assessments"),
    path("competencies/new/", learning.assessment_new, name="assessment_new"),
    path("competencies/frameworks/", learning.frameworks, name="frameworks"),
    path("competencies/<uuid:uuid>/", learning.assessment_detail, name="assessment"),
    path("wellbeing/", wellbeing.checkin_list, name="wellbeing"),
    path("wellbeing/new/", wellbeing.checkin_new, name="checkin_new"),
    path("wellbeing/<uuid:uuid>/", wellbeing.checkin_detail, name="checkin"),
    path("wellbeing/<uuid:uuid>/delete/", wellbeing.checkin_delete, name="checkin_delete"),
    path("<uuid:uuid>/", community.cop_detail, name="detail"),
    path("<uuid:uuid>/edit/", community.cop_edit, name="edit"),
    path("<uuid:uuid>/join/", community.cop_join, name="join"),
    path("<uuid:uuid>/members/", community.members, name="members"),
    path("<uuid:uuid>/meetings/", community.meetings, name="meetings"),
    path("<uuid:uuid>/meetings/new/", community.meeting_new, name="meeting_new"),
    path("<uuid:uuid>/supervision/new/", content.supervision_new, name="supervision_new"),
    path("<uuid:uuid>/library/", content.library, name="library"),
    path("<uuid:uuid>/library/new/", content.resource_new, name="resource_new"),
    path("<uuid:uuid>/threads/", content.threads, name="threads"),
    path("<uuid:uuid>/threads/new/", content.thread_new, name="thread_new"),
    path("<uuid:uuid>/health/", health.cop_health, name="health"),
    path("<uuid:uuid>/wellbeing/", wellbeing.cop_wellbeing, name="cop_wellbeing"),
]
