"""MHPSS vocabularies as versioned, sourced, translated data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Scheme(models.Model):
    """A code list, e.g. `iasc-4w` version `2012`, `pyramid-layer`, `sector`."""

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    is_current = models.BooleanField(
        _("current version"),
        default=True,
        help_text=_(
            "Only one version of a scheme is current; making this one current retires the others."
        ),
    )

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("code list")
        verbose_name_plural = _("code lists")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_scheme_version")
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def name(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en


class TermQuerySet(models.QuerySet["Term"]):
    def of(self, scheme_code: str) -> TermQuerySet:
        """Active terms of the current version of a scheme."""
        return self.filter(scheme__code=scheme_code, scheme__is_current=True, is_active=True)


class Term(models.Model):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="terms", verbose_name=_("scheme")
    )
    code = models.CharField(_("code"), max_length=40)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent"),
    )
    label_en = models.CharField(_("label (English)"), max_length=300)
    label_uk = models.CharField(_("label (Ukrainian)"), max_length=300, blank=True)
    label_pl = models.CharField(_("label (Polish)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # e.g. the usual pyramid layer of a 4W code: {"layer": "3"}
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Checked against the source given; otherwise recalled, to be checked."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Retire a term instead of deleting it: records keep pointing at it."),
    )

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "sort_order", "code"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="uniq_term_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"label_{lang}", "") or self.label_en
