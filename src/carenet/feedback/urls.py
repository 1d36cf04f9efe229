from django.urls import path

from carenet.feedback import views

app_name = "feedback"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<uuid:uuid>/", views.feedback_detail, name="item"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<uuid:uuid>/", views.complaint_detail, name="complaint"),
    path("complaints/<uuid:uuid>/subject/", views.complaint_subject, name="complaint_subject"),
    path("settings/", views.policy, name="policy"),
    path("insights/", views.insights, name="insights"),
    path("notes/<uuid:uuid>/withdraw/", views.note_withdraw, name="note_withdraw"),
    path("follow-up/", views.follow_up_lookup, name="follow_up_lookup"),
    path("follow-up/<str:code>/", views.follow_up, name="follow_up"),
    path("service/<uuid:uuid>/", views.feedback_form, {"kind": "service"}, name="service"),
    path("service/<uuid:uuid>/thanks/", views.thanks, {"kind": "service"}, name="service_thanks"),
    path(
        "service/<uuid:uuid>/complaint/",
        views.complaint_form,
        {"kind": "service"},
        name="service_complaint",
    ),
    path("service/<uuid:uuid>/poster/", views.poster, {"kind": "service"}, name="service_poster"),
    path("<uuid:uuid>/", views.feedback_form, {"kind": "site"}, name="site"),
    path("<uuid:uuid>/thanks/", views.thanks, {"kind": "site"}, name="thanks"),
    path("<uuid:uuid>/complaint/", views.complaint_form, {"kind": "site"}, name="complaint_form"),
    path("<uuid:uuid>/poster/", views.poster, {"kind": "site"}, name="poster"),
    path("<uuid:uuid>/notes/", views.notes, name="notes"),
]
