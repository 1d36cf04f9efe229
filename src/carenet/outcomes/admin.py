"""Superusers edit the reference data of outcomes (instruments, reliabilities, M&E groups)
and organisations' safety protocols. Participants, answers and flags are not registered:
they hold data about people seeking help and are reached only through the app's audited
pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from carenet.core.admin import AuditedAdmin
from carenet.outcomes.models import Instrument, MEGroup, SafetyProtocol
from carenet.outcomes.scoring import Definition, InvalidDefinition


def _formfield(field: models.Field, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SuperuserOnly(AuditedAdmin):
    formfield_overrides = {  # noqa: RUF012 - Django's admin option
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # administrations point at instruments: deactivate instead


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = Instrument
        formfield_callback = _formfield
        fields = (  # noqa: RUF012 - Django's form Meta
            "code",
            "name_en",
            "name_uk",
            "name_pl",
            "version",
            "licence",
            "licence_note",
            "source_url",
            "me_group",
            "definition",
            "reliability",
            "reliability_kind",
            "sd",
            "reliability_source",
            "reliability_verified",
            "verified",
            "is_active",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            Definition.from_data(
                data.get("definition") or {},
                {"reliability": data.get("reliability"), "sd": data.get("sd")},
            )
        except InvalidDefinition as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(Instrument)
class InstrumentAdmin(SuperuserOnly):
    form = InstrumentForm
    list_display = ("code", "name_en", "licence", "me_group", "reliability", "sd", "verified")
    list_filter = ("licence", "me_group", "verified", "reliability_verified", "is_active")


@admin.register(MEGroup)
class MEGroupAdmin(SuperuserOnly):
    list_display = ("code", "label_en", "verified", "sort_order")


@admin.register(SafetyProtocol)
class SafetyProtocolAdmin(SuperuserOnly):
    list_display = ("organisation", "site")
    raw_id_fields = ("organisation", "site")
