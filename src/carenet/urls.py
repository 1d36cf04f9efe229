from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from carenet.core import views as core_views

handler400 = "carenet.core.views.bad_request"
handler403 = "carenet.core.views.permission_denied"
handler404 = "carenet.core.views.page_not_found"
handler500 = "carenet.core.views.server_error"

urlpatterns = [
    path("", include("carenet.core.urls")),
    path("accounts/", include("carenet.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("places/", include("carenet.geo.urls")),
    path("taxonomies/", include("carenet.taxonomy.urls")),
    path("services/", include("carenet.directory.urls")),
    path("hsds/", include("carenet.directory.hsds.urls")),
    path("4w/", include("carenet.reporting.urls")),
    path("referrals/", include("carenet.referrals.urls")),
    path("communities/", include("carenet.community.urls")),
    path("cop/", include("carenet.cop.urls")),
    path("outcomes/", include("carenet.outcomes.urls")),
    path("network/", include("carenet.network.urls")),
    path("peer/", include("carenet.peer.urls")),
    path("feedback/", include("carenet.feedback.urls")),
    path("reports/", include("carenet.reports.urls")),
    path("", include("carenet.offline.urls")),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]
# No /media/ URL, not even in development: uploaded files are private and leave only
# through their app's access-checked download view (core/private_files.py).
