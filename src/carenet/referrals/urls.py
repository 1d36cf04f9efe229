from django.urls import path

from carenet.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.outbox, name="outbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<uuid:uuid>/", views.client_detail, name="client"),
    path("clients/<uuid:uuid>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:uuid>/erase/", views.client_erase, name="client_erase"),
    path("clients/<uuid:uuid>/consent/", views.consent_new, name="consent_new"),
    path(
        "clients/<uuid:uuid>/consent/organisations/",
        views.consent_organisations,
        name="consent_organisations",
    ),
    path("clients/<uuid:uuid>/refer/", views.referral_new, name="referral_new"),
    path("consents/<uuid:uuid>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<uuid:uuid>/fhir/", views.consent_fhir, name="consent_fhir"),
    path("export.csv", views.export_csv, name="export"),
    path("metrics/", views.pathway_metrics, name="metrics"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/need/", views.draft_edit, name="draft_edit"),
    path("<uuid:uuid>/service/", views.choose_service, name="choose_service"),
    path("<uuid:uuid>/act/<slug:name>/", views.act, name="act"),
    path("<uuid:uuid>/fhir/", views.referral_fhir, name="fhir"),
]
