"""Admin for superusers: audited (core.admin.AuditedAdmin); the search index is rebuilt on
save so the admin cannot leave it stale."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from carenet.core.admin import AuditedAdmin
from carenet.directory import indexing
from carenet.directory.models import Service, ServiceArea, ServiceAtLocation, Site


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    raw_id_fields = ["site"]


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    raw_id_fields = ["area"]


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ["name_en", "organisation", "kind", "area", "confidential", "is_active"]
    list_filter = ["kind", "confidential", "is_active"]
    search_fields = ["name_en", "name_uk", "name_pl", "uuid"]
    raw_id_fields = ["organisation", "area"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        indexing.reindex(obj.service_links.values_list("service_id", flat=True))


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ["name_en", "organisation", "status", "layer", "last_verified"]
    list_filter = ["status", "free", "referral_required"]
    search_fields = ["name_en", "name_uk", "name_pl", "uuid"]
    raw_id_fields = ["organisation", "layer"]
    filter_horizontal = [
        "activities",
        "interventions",
        "target_groups",
        "languages",
        "delivery_modes",
    ]
    inlines = [ServiceAtLocationInline, ServiceAreaInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        indexing.reindex([form.instance.pk])
