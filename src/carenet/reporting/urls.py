from django.urls import path, register_converter

from carenet.reporting import views
from carenet.reporting.months import MonthConverter

app_name = "reporting"

register_converter(MonthConverter, "yyyymm")

urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export, name="export"),
    path("months/<yyyymm:month>/", views.month_overview, name="month"),
    path("months/<yyyymm:month>/lock/", views.lock, name="lock"),
    path("gaps/", views.gaps_areas, name="gaps"),
    path("gaps/activities/", views.gaps_activities, name="gaps_activities"),
    path("gaps/needs/", views.needs, name="needs"),
    path("imports/<uuid:job>/", views.job, name="job"),
    path("imports/<uuid:job>/valid-only/", views.job_valid_only, name="job_valid_only"),
    path("rows/<uuid:row>/edit/", views.row_edit, name="row_edit"),
    path("rows/<uuid:row>/delete/", views.row_delete, name="row_delete"),
    path("<uuid:org>/<yyyymm:month>/", views.period, name="period"),
    path("<uuid:org>/<yyyymm:month>/rows/new/", views.row_new, name="row_new"),
    path("<uuid:org>/<yyyymm:month>/submit/", views.submit, name="submit"),
    path("<uuid:org>/<yyyymm:month>/validate/", views.validate, name="validate"),
    path("<uuid:org>/<yyyymm:month>/return/", views.return_period, name="return"),
    path("<uuid:org>/<yyyymm:month>/upload/", views.upload, name="upload"),
    path(
        "<uuid:org>/<yyyymm:month>/upload/<uuid:upload>/",
        views.upload_preview,
        name="upload_preview",
    ),
    path("<uuid:org>/<yyyymm:month>/template.xlsx", views.template, name="template"),
]
