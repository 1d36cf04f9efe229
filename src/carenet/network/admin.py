from django.contrib import admin
from django.db import models

from carenet.core.admin import AuditedAdmin
from carenet.network.models import (
    ActionPoint,
    AdvocacyGoal,
    Application,
    Decision,
    Milestone,
    NetworkGroup,
    NetworkMeeting,
    Reminder,
)


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin):
    list_display = ["name", "acronym", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["status", "decided_by", "decided_at", "organisation"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(NetworkGroup)
class NetworkGroupAdmin(AuditedAdmin):
    list_display = ["name", "kind", "parent", "is_active"]


@admin.register(NetworkMeeting)
class NetworkMeetingAdmin(AuditedAdmin):
    list_display = ["title", "group", "held_on", "status"]
    list_filter = ["group", "status"]


@admin.register(Decision)
class DecisionAdmin(AuditedAdmin):
    list_display = ["__str__", "meeting", "is_public"]


@admin.register(ActionPoint)
class ActionPointAdmin(AuditedAdmin):
    list_display = ["title", "owner_organisation", "due_on", "status"]
    list_filter = ["status"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "organisation", "month", "recipients", "created_at"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(AdvocacyGoal)
class AdvocacyGoalAdmin(AuditedAdmin):
    list_display = ["title", "area", "status"]
    inlines = [MilestoneInline]
