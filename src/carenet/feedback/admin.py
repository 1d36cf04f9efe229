"""Superusers edit the feedback code lists here. Feedback and complaints are not in the
admin on purpose: they are read only through the app's pages and their access rules."""

from __future__ import annotations

from django.contrib import admin

from carenet.core.admin import AuditedAdmin
from carenet.feedback.models import ComplaintCategory, SatisfactionQuestion, Theme


@admin.register(SatisfactionQuestion, Theme)
class CodeListAdmin(AuditedAdmin):
    list_display = ["code", "label_en", "label_uk", "label_pl", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["code", "label_en", "label_uk", "label_pl"]


@admin.register(ComplaintCategory)
class CategoryAdmin(CodeListAdmin):
    list_display = [*CodeListAdmin.list_display, "sensitive"]
