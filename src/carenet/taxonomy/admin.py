"""Superusers edit the code lists, add terms and new scheme versions (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from carenet.core.admin import AuditedAdmin
from carenet.taxonomy import services
from carenet.taxonomy.models import Scheme, Term


class SuperuserOnly(AuditedAdmin):
    formfield_overrides = {
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
        # Reports and services point at terms: deactivate a term instead of deleting it.
        return False


class NewVersionForm(forms.Form):
    version = forms.CharField(label=_("New version"), max_length=20)
    make_current = forms.BooleanField(label=_("Make it the current version"), required=False)


class TermInline(admin.TabularInline):
    model = Term
    formfield_overrides = SuperuserOnly.formfield_overrides
    fk_name = "scheme"
    fields = ("code", "parent", "label_en", "label_uk", "label_pl", "verified", "sort_order",
              "is_active")  # fmt: skip
    raw_id_fields = ("parent",)
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(SuperuserOnly):
    list_display = ("code", "version", "name_en", "is_current")
    list_filter = ("is_current", "code")
    search_fields = ("code", "name_en", "name_uk", "name_pl")
    inlines = [TermInline]
    actions = ["new_version"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.is_current:
            services.scheme_make_current(actor=request.user, scheme=obj)  # type: ignore[arg-type]

    @admin.action(description=_("Copy as a new version"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[Scheme]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one scheme to copy."), messages.ERROR)
            return None
        scheme = queryset.get()
        form = NewVersionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                copy = services.scheme_new_version(
                    actor=request.user,  # type: ignore[arg-type]
                    scheme=scheme, version=form.cleaned_data["version"],
                    make_current=form.cleaned_data["make_current"],
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error("version", exc)
            else:
                self.message_user(request, _("Version %(v)s created.") % {"v": copy.version})
                return None
        return TemplateResponse(request, "admin/taxonomy/new_version.html", {
            **self.admin_site.each_context(request), "title": _("Copy as a new version"),
            "scheme": scheme, "form": form, "opts": self.model._meta,
        })  # fmt: skip


@admin.register(Term)
class TermAdmin(SuperuserOnly):
    list_display = ("code", "label_en", "scheme", "verified", "is_active")
    list_filter = ("scheme__code", "scheme__version", "verified", "is_active")
    search_fields = ("code", "label_en", "label_uk", "label_pl")
    raw_id_fields = ("parent",)
    list_select_related = ("scheme",)
