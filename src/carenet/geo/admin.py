"""Areas come from the loaders (`carenet load-areas`); the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from carenet.geo.models import AdminArea, BoundarySet


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BoundarySet)
class BoundarySetAdmin(ReadOnly):
    list_display = ("country", "version", "loaded_at")


@admin.register(AdminArea)
class AdminAreaAdmin(ReadOnly):
    list_display = ("pcode", "name_en", "name_uk", "name_pl", "level", "kind", "population")
    list_filter = ("country", "level", "boundary_set")
    search_fields = ("pcode", "name_en", "name_uk", "name_pl")
    exclude = ("boundary", "search_text")
