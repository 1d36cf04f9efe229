"""Reference data of the community app: loaded from `community/data/*.csv`, editable by
superusers in the admin. Never hard-coded lists in Python."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localised(obj: object, field: str) -> str:
    """`obj.<field>_<active language>`, falling back to English, then Ukrainian, then Polish."""
    lang = (get_language() or "en")[:2]
    for suffix in (lang, "en", "uk", "pl"):
        value = getattr(obj, f"{field}_{suffix}", "")
        if value:
            return str(value)
    return ""


class Labelled(models.Model):
    """A coded row with a label in the three languages of CareNet."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=300)
    label_uk = models.CharField(_("label (Ukrainian)"), max_length=300, blank=True)
    label_pl = models.CharField(_("label (Polish)"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised(self, "label")


class CrmEdition(models.Model):
    """An edition of the Community Readiness Model handbook (2006: six dimensions, 2014:
    five). Each assessment stores the edition it was scored with."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=300, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=300, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    verified = models.BooleanField(_("verified in the source"), default=False)
    is_default = models.BooleanField(_("default for new assessments"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("readiness model edition")
        verbose_name_plural = _("readiness model editions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")


class CrmDimension(models.Model):
    """One dimension of readiness in one edition (2006: A-F)."""

    edition = models.ForeignKey(CrmEdition, on_delete=models.CASCADE, related_name="dimensions")
    # Stable across editions ("leadership"), so re-assessments can be compared by code.
    code = models.SlugField(_("code"), max_length=40)
    letter = models.CharField(_("letter"), max_length=2)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)
    question_en = models.TextField(_("what it asks (English)"), blank=True)
    question_uk = models.TextField(_("what it asks (Ukrainian)"), blank=True)
    question_pl = models.TextField(_("what it asks (Polish)"), blank=True)
    verified = models.BooleanField(_("verified in the source"), default=False)

    class Meta:
        ordering = ["edition", "letter"]
        verbose_name = _("readiness dimension")
        verbose_name_plural = _("readiness dimensions")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="uniq_crm_dimension_code"),
            models.UniqueConstraint(fields=["edition", "letter"], name="uniq_crm_dimension_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.name}"

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def question(self) -> str:
        return localised(self, "question")


class CrmStage(models.Model):
    """One of the nine stages of readiness, with its goal (what strategies at this stage aim
    for); the suggested kinds of action are `CrmStageAction` rows."""

    number = models.PositiveSmallIntegerField(_("stage"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)
    goal_en = models.CharField(_("goal (English)"), max_length=300, blank=True)
    goal_uk = models.CharField(_("goal (Ukrainian)"), max_length=300, blank=True)
    goal_pl = models.CharField(_("goal (Polish)"), max_length=300, blank=True)
    name_verified = models.BooleanField(_("name verified in the source"), default=False)
    goal_verified = models.BooleanField(_("goal verified in the source"), default=False)
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("readiness stage")
        verbose_name_plural = _("readiness stages")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=9), name="crm_stage_1_to_9"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def goal(self) -> str:
        return localised(self, "goal")


class CrmStageAction(models.Model):
    """A kind of action suited to a stage of readiness (e.g. one-to-one visits with leaders
    at stage 1)."""

    stage = models.ForeignKey(CrmStage, on_delete=models.CASCADE, related_name="actions")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=400)
    label_uk = models.CharField(_("label (Ukrainian)"), max_length=400, blank=True)
    label_pl = models.CharField(_("label (Polish)"), max_length=400, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    verified = models.BooleanField(_("verified in the source"), default=False)

    class Meta:
        ordering = ["stage", "sort_order"]
        verbose_name = _("suggested kind of action")
        verbose_name_plural = _("suggested kinds of action")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localised(self, "label")


class CommunitySector(Labelled):
    """A sector of community life: of a key informant, or of strategic-session participants
    (local authority, health, education, social services, NGOs...)."""

    class Meta(Labelled.Meta):
        verbose_name = _("community sector")
        verbose_name_plural = _("community sectors")


class ImplementationStage(models.Model):
    """A stage of the implementation model. The list is data: superusers edit, reorder,
    deactivate or replace it in the admin (e.g. when the published list is available)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    number = models.PositiveSmallIntegerField(_("position"))
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=300, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    carenet_default = models.BooleanField(
        _("CareNet default"),
        default=False,
        help_text=_("Part of CareNet's default synthesis of the model, not the published list."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["number", "code"]
        verbose_name = _("implementation stage")
        verbose_name_plural = _("implementation stages")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def description(self) -> str:
        return localised(self, "description")


class Programme(Labelled):
    """A programme implemented community by community (e.g. "Taking Care of Myself"
    support spaces, Resilience Centres, mhGAP roll-out)."""

    description_en = models.TextField(_("description (English)"), blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)

    class Meta(Labelled.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    @property
    def description(self) -> str:
        return localised(self, "description")


class SupportOffer(Labelled):
    """What a support space offers (individual counselling, CBT, SH+ groups, referral...)."""

    class Meta(Labelled.Meta):
        verbose_name = _("support-space offer")
        verbose_name_plural = _("support-space offers")


class ChecklistItem(Labelled):
    """One item of a support space's readiness checklist (premises, trained staff...)."""

    help_en = models.CharField(_("help (English)"), max_length=400, blank=True)
    help_uk = models.CharField(_("help (Ukrainian)"), max_length=400, blank=True)
    help_pl = models.CharField(_("help (Polish)"), max_length=400, blank=True)

    class Meta(Labelled.Meta):
        verbose_name = _("readiness checklist item")
        verbose_name_plural = _("readiness checklist items")

    @property
    def help(self) -> str:
        return localised(self, "help")
