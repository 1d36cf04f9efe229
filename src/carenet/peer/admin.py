"""Superusers edit the kinds of peer group here. Volunteers are not in the admin on purpose:
their personal data is read only by their organisation, through the app's pages."""

from __future__ import annotations

from django.contrib import admin

from carenet.core.admin import AuditedAdmin
from carenet.peer.models import GroupKind


@admin.register(GroupKind)
class GroupKindAdmin(AuditedAdmin):
    list_display = ["code", "label_en", "label_uk", "label_pl", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["code", "label_en", "label_uk", "label_pl"]
