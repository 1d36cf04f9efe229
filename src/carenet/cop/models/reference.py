"""Reference data of the CoP app, loaded from `cop/data/*.csv` and editable by superusers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _in_language(obj: models.Model, stem: str) -> str:
    lang = (get_language() or "en")[:2]
    return getattr(obj, f"{stem}_{lang}", "") or getattr(obj, f"{stem}_en", "")


class Translated(models.Model):
    """A row named in English, Ukrainian and Polish."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")


class Profession(Translated):
    """A practitioner's profession; `sector` is a code of the taxonomy's `sector` scheme."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sector = models.CharField(_("sector"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("profession")
        verbose_name_plural = _("professions")


class SupervisionTheme(Translated):
    """What a supervision session was about (never who the clients were)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("supervision theme")
        verbose_name_plural = _("supervision themes")


class Curriculum(Translated):
    """A training curriculum, e.g. Psychological First Aid or SH+ facilitation."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    intervention = models.CharField(_("intervention"), max_length=40, blank=True)
    description_en = models.TextField(blank=True)
    description_uk = models.TextField(blank=True)
    description_pl = models.TextField(blank=True)
    typical_hours = models.DecimalField(
        _("typical hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    verified = models.BooleanField(_("verified in the source"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    @property
    def description(self) -> str:
        return _in_language(self, "description")


class CompetencyFramework(Translated):
    """A set of competency items rated on four levels; one is CareNet's default."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    description_en = models.TextField(blank=True)
    description_uk = models.TextField(blank=True)
    description_pl = models.TextField(blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    is_default = models.BooleanField(_("CareNet's default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-is_default", "code", "version"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="cop_uniq_framework"),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="cop_one_default_framework",
            ),
        ]

    @property
    def description(self) -> str:
        return _in_language(self, "description")


class CompetencyLevel(models.Model):
    """The anchor of one level (1 = potentially harmful ... 4 = advanced helpful skill)."""

    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    label_en = models.CharField(max_length=120)
    label_uk = models.CharField(max_length=120, blank=True)
    label_pl = models.CharField(max_length=120, blank=True)
    description_en = models.TextField(blank=True)
    description_uk = models.TextField(blank=True)
    description_pl = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "level"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], name="cop_uniq_level"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="cop_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.label}"

    @property
    def label(self) -> str:
        return _in_language(self, "label")

    @property
    def description(self) -> str:
        return _in_language(self, "description")


class CompetencyItem(Translated):
    framework = models.ForeignKey(
        CompetencyFramework, on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField(_("code"), max_length=40)
    description_en = models.TextField(blank=True)
    description_uk = models.TextField(blank=True)
    description_pl = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["framework", "sort_order", "code"]
        verbose_name = _("competency item")
        verbose_name_plural = _("competency items")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="cop_uniq_item")]

    @property
    def description(self) -> str:
        return _in_language(self, "description")


class WellbeingMeasure(Translated):
    """A short validated well-being measure whose licence allows shipping it (e.g. WHO-5).

    Scoring: raw = sum of item values; percent = raw x `multiplier`; a raw score below
    `poor_raw_below`, or any item at or below `low_item_at_most`, reads as poor well-being.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    instructions_en = models.TextField(blank=True)
    instructions_uk = models.TextField(blank=True)
    instructions_pl = models.TextField(blank=True)
    item_min = models.PositiveSmallIntegerField(default=0)
    item_max = models.PositiveSmallIntegerField(default=5)
    multiplier = models.PositiveSmallIntegerField(default=4)
    poor_raw_below = models.PositiveSmallIntegerField(default=13)
    low_item_at_most = models.PositiveSmallIntegerField(null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField(_("suggested interval (days)"), default=14)
    licence = models.TextField(_("licence"))
    credit = models.TextField(_("credit"))
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    # languages whose item text is the official version; others are marked as working ones
    official_languages = models.CharField(max_length=40, default="en")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("well-being measure")
        verbose_name_plural = _("well-being measures")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="cop_uniq_measure")]

    @property
    def instructions(self) -> str:
        return _in_language(self, "instructions")

    @property
    def official_in_current_language(self) -> bool:
        lang = (get_language() or "en")[:2]
        return lang in self.official_languages.split()


class WellbeingItem(models.Model):
    measure = models.ForeignKey(WellbeingMeasure, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    text_en = models.CharField(max_length=300)
    text_uk = models.CharField(max_length=300, blank=True)
    text_pl = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["measure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="cop_uniq_wb_item")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def text(self) -> str:
        return _in_language(self, "text")


class WellbeingOption(models.Model):
    measure = models.ForeignKey(WellbeingMeasure, on_delete=models.CASCADE, related_name="options")
    value = models.PositiveSmallIntegerField()
    label_en = models.CharField(max_length=120)
    label_uk = models.CharField(max_length=120, blank=True)
    label_pl = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["measure", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "value"], name="cop_uniq_wb_option")
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"

    @property
    def label(self) -> str:
        return _in_language(self, "label")
