"""Admin of programmes, targets, grants, subscriptions, and the donor code list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from carenet.core.admin import AuditedAdmin
from carenet.reporting.models import Donor
from carenet.reports.models import Grant, Programme, Subscription, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    raw_id_fields = ("area",)


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("name", "starts_on", "organisation")
    search_fields = ("name",)
    inlines = [TargetInline]


@admin.register(Grant)
class GrantAdmin(AuditedAdmin):
    list_display = ("organisation", "donor", "amount", "currency", "starts_on", "ends_on")
    list_filter = ("donor", "currency")
    raw_id_fields = ("areas",)


@admin.register(Subscription)
class SubscriptionAdmin(AuditedAdmin):
    list_display = ("user", "fmt", "language", "last_sent_month")
    raw_id_fields = ("user", "area")


@admin.register(Donor)
class DonorAdmin(AuditedAdmin):
    """The donor code list; saving a donor maps the 4W rows its spellings name."""

    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name", "aliases")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        from carenet.reporting import donors

        super().save_model(request, obj, form, change)
        donors.forget()
        donors.map_rows()
