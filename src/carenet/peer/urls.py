from django.urls import path

from carenet.peer import views

app_name = "peer"

urlpatterns = [
    path("", views.group_list, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<uuid:uuid>/", views.group_detail, name="group"),
    path("groups/<uuid:uuid>/edit/", views.group_edit, name="group_edit"),
    path("groups/<uuid:uuid>/facilitators/", views.facilitator_add, name="facilitator_add"),
    path("groups/<uuid:uuid>/plan/", views.meetings_plan, name="meetings_plan"),
    path("meetings/<uuid:uuid>/", views.meeting_record, name="meeting_record"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/invite/", views.volunteer_invite, name="volunteer_invite"),
    path("volunteers/<uuid:uuid>/", views.volunteer_detail, name="volunteer"),
    path("volunteers/<uuid:uuid>/certificate/", views.certificate, name="certificate"),
    path("apply/<uuid:uuid>/", views.apply, name="apply"),
]
