"""Support spaces: what they offer and how ready they are to open."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel


class SupportSpace(TimeStampedModel):
    """A psychosocial support space in a community. When the directory lists the place as a
    site (kind "support space"), `site` links the two."""

    name = models.CharField(_("name"), max_length=200)
    community = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation running it"),
    )
    site = models.ForeignKey(
        "directory.Site",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("site in the service directory"),
    )
    implementation = models.ForeignKey(
        "community.Implementation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_spaces",
        verbose_name=_("programme in this community"),
    )
    offers = models.ManyToManyField(
        "community.SupportOffer", blank=True, related_name="+", verbose_name=_("offers")
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["community__pcode", "name"]
        verbose_name = _("support space")
        verbose_name_plural = _("support spaces")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation


class ChecklistAnswer(models.Model):
    """Whether one readiness checklist item is met for one space. A missing row: not yet."""

    space = models.ForeignKey(SupportSpace, on_delete=models.CASCADE, related_name="checklist")
    item = models.ForeignKey("community.ChecklistItem", on_delete=models.PROTECT, related_name="+")
    done = models.BooleanField(_("in place"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        ordering = ["space", "item__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["space", "item"], name="uniq_checklist_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.done}"
