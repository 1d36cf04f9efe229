from django.urls import path

from carenet.taxonomy import views

app_name = "taxonomy"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>.json", views.scheme_json, name="json"),
    path("<slug:code>/", views.detail, name="detail"),
]
