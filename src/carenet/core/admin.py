"""Django admin for superusers; every change made there reaches the audit log too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from carenet.core import audit
from carenet.core.models import AuditAction, AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose additions, changes and deletions are audited (field names only).

    `permission_model = True` records them as permission changes (roles, memberships).
    """

    permission_model = False

    def _action(self, default: AuditAction) -> AuditAction:
        return AuditAction.PERMISSION if self.permission_model else default

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit.record(self._action(AuditAction.CREATE), actor=request.user, obj=obj, detail="admin")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        changed = [f for m in message or [] for f in m.get("changed", {}).get("fields", [])]
        audit.record(
            self._action(AuditAction.UPDATE),
            actor=request.user,
            obj=obj,
            changes=changed,
            detail="admin",
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            audit.record(
                self._action(AuditAction.DELETE), actor=request.user, obj=obj, detail="admin"
            )
        return super().log_deletions(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "organisation", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "object_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
