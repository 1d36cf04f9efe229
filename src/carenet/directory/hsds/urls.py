"""`/hsds/`: the Open Referral HSDS 3.0 API and the data package exports (mounted by the root
URLconf)."""

from django.urls import path

from carenet.directory.hsds import api as hsds_api
from carenet.directory.hsds import views as hsds_exchange_views

app_name = "hsds"

urlpatterns = [
    path("", hsds_api.root, name="root"),
    path("openapi.json", hsds_api.openapi, name="openapi"),
    path("profile/", hsds_api.profile, name="profile"),
    path("services", hsds_api.services, name="services"),
    path("services/<str:id>", hsds_api.service_detail, name="service"),
    path("service_at_locations", hsds_api.service_at_locations, name="service_at_locations"),
    path(
        "service_at_locations/<str:id>",
        hsds_api.service_at_location_detail,
        name="service_at_location",
    ),
    path("organizations", hsds_api.organizations, name="organizations"),
    path("organizations/<str:id>", hsds_api.organization_detail, name="organization"),
    path("taxonomies", hsds_api.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", hsds_api.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", hsds_api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", hsds_api.taxonomy_term_detail, name="taxonomy_term"),
    path("export/datapackage.zip", hsds_exchange_views.export_zip, name="export_zip"),
    path("export/hsds.json", hsds_exchange_views.export_json, name="export_json"),
]
