from django.urls import path

from carenet.offline import views

app_name = "offline"

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.start, name="start"),
    path("offline/key", views.entry_key, name="key"),
]
