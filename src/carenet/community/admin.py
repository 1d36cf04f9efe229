"""Admin: superusers edit the reference data (stages, dimensions, offers, checklist)."""

from __future__ import annotations

from django.contrib import admin

from carenet.community.models import (
    ChecklistItem,
    CommunitySector,
    CrmDimension,
    CrmEdition,
    CrmStage,
    CrmStageAction,
    ImplementationStage,
    Programme,
    SupportOffer,
)


class SuperuserOnly(admin.ModelAdmin):
    """Reference data is edited by superusers only, whatever Django permissions say."""

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_active and request.user.is_superuser


class CrmDimensionInline(admin.TabularInline):
    model = CrmDimension
    extra = 0
    fields = ("letter", "code", "name_en", "name_uk", "name_pl", "verified")


@admin.register(CrmEdition)
class CrmEditionAdmin(SuperuserOnly):
    list_display = ("code", "name_en", "is_default", "verified")
    inlines = [CrmDimensionInline]


class CrmStageActionInline(admin.TabularInline):
    model = CrmStageAction
    extra = 0
    fields = ("sort_order", "code", "label_en", "label_uk", "label_pl", "verified")


@admin.register(CrmStage)
class CrmStageAdmin(SuperuserOnly):
    list_display = ("number", "name_en", "goal_en", "name_verified", "goal_verified")
    inlines = [CrmStageActionInline]


@admin.register(ImplementationStage)
class ImplementationStageAdmin(SuperuserOnly):
    list_display = ("number", "name_en", "code", "carenet_default", "is_active")
    list_editable = ("is_active",)
    list_filter = ("carenet_default", "is_active")
    ordering = ("number",)


@admin.register(CommunitySector, Programme, SupportOffer, ChecklistItem)
class LabelledAdmin(SuperuserOnly):
    list_display = ("code", "label_en", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
