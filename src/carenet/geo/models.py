"""Administrative areas with OCHA P-codes: the only way CareNet names a place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LEVEL_LABELS = {
    "UA": {1: _("oblast"), 2: _("raion"), 3: _("hromada"), 4: _("settlement")},
    "PL": {1: _("voivodeship"), 2: _("powiat"), 3: _("gmina")},
}
# `kind` as the loaders write it (Ukrainian kinds in English, Polish ones as TERC says).
KIND_LABELS = {
    "oblast": _("oblast"),
    "autonomous_republic": _("autonomous republic"),
    "city_special_status": _("city with special status"),
    "raion": _("raion"),
    "urban": _("urban hromada"),
    "settlement": _("settlement hromada"),
    "rural": _("rural hromada"),
    "województwo": _("voivodeship"),
    "powiat": _("powiat"),
    "miasto na prawach powiatu": _("city with powiat rights"),
    "miasto stołeczne, na prawach powiatu": _("capital city with powiat rights"),
    "gmina miejska": _("urban gmina"),
    "gmina wiejska": _("rural gmina"),
    "gmina miejsko-wiejska": _("urban-rural gmina"),
    "gmina miejska, miasto stołeczne": _("urban gmina, capital city"),
}
FLAG_LABELS = {
    "crimea": _("Autonomous Republic of Crimea"),
    "occupied_before_2022": _("Occupied before 24 February 2022"),
    "pseudo_unit": _("Pseudo-unit of the OCHA gazetteer"),
    "reform_2020": _("Hromada of the 2020 reform"),
    "centroid_from_powiat": _("Location is the powiat's centre"),
    "hromada_not_in_cod": _("Hromada not in the OCHA gazetteer"),
}


class BoundarySet(models.Model):
    """A versioned gazetteer for one country (e.g. Ukraine COD-AB 2026-02)."""

    country = models.CharField(_("country"), max_length=2)  # ISO 3166-1 alpha-2
    version = models.CharField(_("version"), max_length=40)
    source = models.TextField(_("source and licence"), blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "version"], name="uniq_boundaryset")
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.version}"


class AdminAreaQuerySet(models.QuerySet["AdminArea"]):
    def within(self, area: AdminArea) -> AdminAreaQuerySet:
        """The area and everything below it."""
        return self.filter(path__startswith=area.path)

    def at_level(self, level: int) -> AdminAreaQuerySet:
        return self.filter(level=level)

    def flagged(self, flag: str) -> AdminAreaQuerySet:
        """Areas carrying `flag` ("crimea", "occupied_before_2022", ...). A text match on
        the JSON list, because SQLite has no JSON `contains`; flags are plain words."""
        return self.filter(flags__icontains=f'"{flag}"')


class AdminArea(models.Model):
    """An administrative area. Level 1 = oblast / voivodeship, 2 = raion / powiat,
    3 = hromada / gmina, 4 = settlement."""

    pcode = models.CharField(_("P-code"), max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of P-codes ("UA05/UA0502/UA0502001/"): subtree = path prefix.
    path = models.CharField(max_length=120, db_index=True)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    boundary_set = models.ForeignKey(BoundarySet, on_delete=models.PROTECT)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    population_source = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    boundary = models.JSONField(null=True, blank=True)  # simplified GeoJSON geometry
    flags = models.JSONField(default=list, blank=True)  # e.g. ["crimea", "occupied_before_2022"]
    # Extra facts from the source files (KATOTTG/TERYT code, area, administrative centre...).
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # "|name_en|name_uk|name_pl|pcode|" folded (lower case, no diacritics) for pick-lists;
    # written by the loaders, see `carenet.geo.text.fold`.
    search_text = models.CharField(max_length=700, blank=True, editable=False)

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        indexes = [models.Index(fields=["country", "level"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

    @property
    def name(self) -> str:
        """The name in the active language, else the English (Latin-script) name, else the
        local one: a Polish reader sees "Kyivska" rather than Cyrillic."""
        lang = (get_language() or "en")[:2]
        local = self.name_uk if self.country == "UA" else self.name_pl
        return getattr(self, f"name_{lang}", "") or self.name_en or local

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.country, {}).get(self.level, self.level))

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS.get(flag, flag)) for flag in self.flags or []]

    @property
    def reference_point(self) -> tuple[float, float] | None:
        """(lat, lon) for distances: the administrative centre when the source gives one
        (Ukrainian hromadas), else the centroid; None when neither is known."""
        centre = (self.attributes or {}).get("centre")
        if centre:
            return float(centre[0]), float(centre[1])
        if self.lat is None or self.lon is None:
            return None
        return self.lat, self.lon
