from django.urls import path

from carenet.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.index, name="index"),
    path("search", views.search, name="search"),
    path("pick", views.pick, name="pick"),
    path("<str:pcode>.geojson", views.geojson, name="geojson"),
    path("<str:pcode>/", views.detail, name="detail"),
]
