"""Superusers edit the CoP reference data here (curricula, frameworks, professions, the
well-being measure). Check-ins and supervision logs are not in the admin on purpose."""

from __future__ import annotations

from django.contrib import admin

from carenet.cop.models import (
    CommunityOfPractice,
    CompetencyFramework,
    CompetencyItem,
    CompetencyLevel,
    CopMember,
    Curriculum,
    Profession,
    SupervisionTheme,
    WellbeingItem,
    WellbeingMeasure,
    WellbeingOption,
)
from carenet.core.admin import AuditedAdmin


@admin.register(Profession, SupervisionTheme)
class CodeListAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_uk", "name_pl", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["code", "name_en", "name_uk", "name_pl"]


@admin.register(Curriculum)
class CurriculumAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "intervention", "typical_hours", "verified", "is_active"]
    list_filter = ["verified", "is_active"]
    search_fields = ["code", "name_en"]


class CompetencyLevelInline(admin.TabularInline):
    model = CompetencyLevel
    extra = 0


class CompetencyItemInline(admin.StackedInline):
    model = CompetencyItem
    extra = 0


@admin.register(CompetencyFramework)
class CompetencyFrameworkAdmin(AuditedAdmin):
    list_display = ["code", "version", "name_en", "is_default", "is_active"]
    inlines = [CompetencyLevelInline, CompetencyItemInline]


class WellbeingItemInline(admin.TabularInline):
    model = WellbeingItem
    extra = 0


class WellbeingOptionInline(admin.TabularInline):
    model = WellbeingOption
    extra = 0


@admin.register(WellbeingMeasure)
class WellbeingMeasureAdmin(AuditedAdmin):
    list_display = ["code", "version", "name_en", "is_active"]
    inlines = [WellbeingItemInline, WellbeingOptionInline]


class CopMemberInline(admin.TabularInline):
    model = CopMember
    extra = 0
    raw_id_fields = ["user", "organisation"]


@admin.register(CommunityOfPractice)
class CommunityOfPracticeAdmin(AuditedAdmin):
    list_display = ["name", "host", "scope", "visibility", "is_active"]
    list_filter = ["scope", "visibility", "is_active"]
    search_fields = ["name", "topic"]
    raw_id_fields = ["host", "area"]
    inlines = [CopMemberInline]
