from django.urls import path

from carenet.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("pack/", views.pack_download, name="pack"),
    path("subscription/", views.subscription, name="subscription"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/<uuid:programme>/", views.programme, name="programme"),
    path("targets/<uuid:target>/delete/", views.target_delete, name="target_delete"),
    path("grants/", views.grants, name="grants"),
    path("trends/", views.trends, name="trends"),
]
