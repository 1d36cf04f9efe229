from django.urls import path

from carenet.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.delivery_list, name="deliveries"),
    path("deliveries/new/", views.delivery_new, name="delivery_new"),
    path("deliveries/<uuid:uuid>/", views.delivery_detail, name="delivery"),
    path("deliveries/<uuid:uuid>/participants/", views.participant_add, name="participant_add"),
    path("deliveries/<uuid:uuid>/sessions/<int:number>/", views.attendance, name="attendance"),
    path("deliveries/<uuid:uuid>/close/", views.delivery_close, name="delivery_close"),
    path("participants/<uuid:uuid>/drop-out/", views.drop_out, name="drop_out"),
    path(
        "participants/<uuid:uuid>/questionnaires/<str:code>/",
        views.questionnaire,
        name="questionnaire",
    ),
    path("administrations/<uuid:uuid>/", views.administration, name="administration"),
    path("flags/<uuid:uuid>/clear/", views.flag_clear, name="flag_clear"),
    path("flags/<uuid:uuid>/refer/", views.flag_refer, name="flag_refer"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("4w/", views.four_w, name="four_w"),
    path("safety-protocols/", views.protocols, name="protocols"),
]
