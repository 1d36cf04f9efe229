from django.urls import path

from carenet.network import views

app_name = "network"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("roster.xlsx", views.roster_export, name="roster_export"),
    path("join/", views.apply, name="apply"),
    path("join/thanks/", views.applied, name="applied"),
    path("applications/", views.applications, name="applications"),
    path("applications/<str:uuid>/", views.application, name="application"),
    path("organisations/<str:uuid>/people/", views.people, name="people"),
    path("organisations/<str:uuid>/people/bulk/", views.people_bulk, name="people_bulk"),
    path("invitations/<str:uuid>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("memberships/<str:uuid>/role/", views.member_role, name="member_role"),
    path("memberships/<str:uuid>/leave/", views.member_leave, name="member_leave"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<str:uuid>/", views.group, name="group"),
    path("groups/<str:uuid>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<str:uuid>/", views.meeting, name="meeting"),
    path("actions/", views.actions, name="actions"),
    path("actions/<str:uuid>/status/", views.action_status, name="action_status"),
    path("decisions/", views.decisions, name="decisions"),
    path("reminders/", views.reminders, name="reminders"),
    path("advocacy/", views.advocacy, name="advocacy"),
    path("advocacy/<str:uuid>/", views.goal, name="goal"),
]
