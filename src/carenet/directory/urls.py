from django.urls import path

from carenet.directory import views
from carenet.directory.api import api

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("print/", views.print_list, name="print"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.service_new, name="service_new"),
    path("manage/<str:uuid>/edit/", views.service_edit, name="service_edit"),
    path("manage/<str:uuid>/verify/", views.service_verify, name="service_verify"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<str:uuid>/edit/", views.site_edit, name="site_edit"),
    path("stale/", views.stale, name="stale"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<str:uuid>/", views.draft_detail, name="draft"),
    path("drafts/<str:uuid>/reject/", views.draft_reject, name="draft_reject"),
    path("api/", api.urls),
    path("<str:uuid>/", views.service_detail, name="service"),
]
