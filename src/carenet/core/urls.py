from django.urls import path

from carenet.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("audit/", views.audit_log, name="audit"),
]
