from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from carenet.accounts.models import CoordinatorRole, Membership, Organisation, User
from carenet.core import audit
from carenet.core.admin import AuditedAdmin
from carenet.core.models import AuditAction


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "preferred_language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active", "is_superuser"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["acronym", "name", "kind", "country", "coordination_member", "is_active"]
    list_filter = ["kind", "country", "coordination_member"]
    search_fields = ["name", "acronym"]
    inlines = [MembershipInline]
    filter_horizontal = ["sectors"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Membership changes made here are permission changes: audit each one."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record(
                AuditAction.PERMISSION,
                actor=request.user,
                obj=obj,
                detail="membership ended (admin)",
            )
            obj.delete()
        for obj in instances:
            obj.save()
            audit.record(
                AuditAction.PERMISSION,
                actor=request.user,
                obj=obj,
                changes=["role"],
                detail=f"role={obj.role} (admin)",
            )
        formset.save_m2m()


@admin.register(CoordinatorRole)
class CoordinatorRoleAdmin(AuditedAdmin):
    permission_model = True
    list_display = ["user", "area", "country"]
    raw_id_fields = ["user", "area"]
