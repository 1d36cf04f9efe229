"""The service directory: sites, services, where services are delivered, and a search table.

The tables follow Open Referral HSDS 3.0 (`Site` = location, `Service` = service,
`ServiceAtLocation` = service_at_location, `ServiceArea` = service_area); every row has a
public UUID that the HSDS API uses as its `id`.

`SearchEntry` is a denormalised, rebuildable copy of what public search and referral
matching filter on: one row per service x site and per service x service area. It is written
only by `carenet.directory.indexing`, never edited by hand.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel
from carenet.taxonomy.fields import term_m2m


def _localised(obj: models.Model, field: str) -> str:
    lang = (get_language() or "en")[:2]
    return (
        getattr(obj, f"{field}_{lang}", "")
        or getattr(obj, f"{field}_en", "")
        or getattr(obj, f"{field}_uk", "")
        or getattr(obj, f"{field}_pl", "")
    )


class SiteKind(models.TextChoices):
    RESILIENCE_CENTRE = "resilience_centre", _("Resilience Centre")
    SUPPORT_SPACE = "support_space", _("Support space “Taking Care of Myself”")
    CLINIC = "clinic", _("Clinic or hospital")
    SCHOOL = "school", _("School")
    MOBILE_TEAM = "mobile_team", _("Mobile team base")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    OFFICE = "office", _("Office")
    SHELTER = "shelter", _("Shelter")
    OTHER = "other", _("Other")


class Site(TimeStampedModel):
    """A place where an organisation works (HSDS `location`).

    A confidential site (e.g. a shelter) is never shown publicly: not in search, the map, the
    HSDS API, exports or printed lists.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name=_("organisation"),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)
    kind = models.CharField(_("kind of site"), max_length=30, choices=SiteKind.choices)
    area = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        help_text=_("The smallest administrative area (P-code) the site is in."),
    )
    address = models.CharField(_("street address"), max_length=300, blank=True)
    city = models.CharField(_("town or village"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    directions = models.TextField(_("how to get there"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Never published: not in search, maps, exports or the HSDS API."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # an import could not use everything (a coordinate out of range, an area outside the
    # gazetteer…): not public until a person checks it and clears the flag
    needs_review = models.BooleanField(_("needs review"), default=False, db_index=True)
    review_note = models.TextField(_("what the import could not use"), blank=True)
    # HSDS 3.0 fields of an imported location that CareNet does not use (alternate_name, url,
    # address_2, phone extensions, schedules...): see `hsds.kept`, written back on export
    hsds_extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True) | models.Q(lat__gte=-90, lat__lte=90),
                name="site_lat_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lon__isnull=True) | models.Q(lon__gte=-180, lon__lte=180),
                name="site_lon_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return self.lat, self.lon


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")


class Sex(models.TextChoices):
    ANY = "any", _("Anyone")
    FEMALE = "female", _("Women and girls")
    MALE = "male", _("Men and boys")


class ServiceQuerySet(models.QuerySet["Service"]):
    def stale(self, today: datetime.date | None = None) -> ServiceQuerySet:
        """Listings not verified within CARENET_STALE_AFTER_DAYS (or never)."""
        cutoff = stale_cutoff(today)
        return self.filter(models.Q(last_verified__lt=cutoff) | models.Q(last_verified=None))


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.CARENET_STALE_AFTER_DAYS)


class Service(TimeStampedModel):
    """A service an organisation offers (HSDS `service`), in three languages."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    activities = term_m2m("iasc-4w", _("IASC 4W activities"))
    layer = models.ForeignKey(
        "taxonomy.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intervention pyramid layer"),
        limit_choices_to={"scheme__code": "pyramid-layer"},
    )
    interventions = term_m2m("intervention", _("named interventions"))
    target_groups = term_m2m("target-group", _("target groups"))
    languages = term_m2m("language", _("languages"))
    delivery_modes = term_m2m("delivery-mode", _("delivery modes"))
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sex = models.CharField(_("for"), max_length=10, choices=Sex.choices, default=Sex.ANY)
    # `eligibility`, `fees` and `how_to_apply` are the English texts; `_uk`/`_pl` translate them
    eligibility = models.TextField(_("who can use it"), blank=True)
    eligibility_uk = models.TextField(_("who can use it (Ukrainian)"), blank=True)
    eligibility_pl = models.TextField(_("who can use it (Polish)"), blank=True)
    free = models.BooleanField(_("free of charge"), default=True)
    fees = models.CharField(_("fees"), max_length=300, blank=True)
    fees_uk = models.CharField(_("fees (Ukrainian)"), max_length=300, blank=True)
    fees_pl = models.CharField(_("fees (Polish)"), max_length=300, blank=True)
    referral_required = models.BooleanField(_("referral required"), default=False)
    how_to_apply = models.TextField(_("how to get the service"), blank=True)
    how_to_apply_uk = models.TextField(_("how to get the service (Ukrainian)"), blank=True)
    how_to_apply_pl = models.TextField(_("how to get the service (Polish)"), blank=True)
    capacity_places = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no fixed number of places.")
    )
    available_places = models.PositiveIntegerField(
        _("places free now"),
        null=True,
        blank=True,
        help_text=_("0 means full; empty means not tracked."),
    )
    waiting_days = models.PositiveSmallIntegerField(
        _("current waiting time (days)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    # [{"day": "MO", "opens": "09:00", "closes": "17:00"}, ...]; days as RFC 5545 BYDAY.
    schedule = models.JSONField(_("weekly schedule"), default=list, blank=True)
    schedule_note = models.CharField(_("opening hours note"), max_length=300, blank=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    # HSDS 3.0 fields of an imported service that CareNet does not use (alternate_name,
    # accreditations, alert, contacts, funding…): see `hsds.kept`, written back on export
    hsds_extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True)
    # an import could not use everything (a location or service area outside the
    # gazetteer…): not public until a person checks it and clears the flag
    needs_review = models.BooleanField(_("needs review"), default=False, db_index=True)
    review_note = models.TextField(_("what the import could not use"), blank=True)
    sites: models.ManyToManyField[Site, ServiceAtLocation] = models.ManyToManyField(
        Site, through="ServiceAtLocation", related_name="services"
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["last_verified"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="service_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")

    def translated(self, field: str) -> str:
        """`eligibility`, `fees` or `how_to_apply` in the reader's language, else English."""
        lang = (get_language() or "en")[:2]
        own = getattr(self, f"{field}_{lang}", "") if lang in ("uk", "pl") else ""
        return own or getattr(self, field)

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation

    @property
    def is_full(self) -> bool:
        return self.available_places == 0

    @property
    def is_stale(self) -> bool:
        return self.last_verified is None or self.last_verified < stale_cutoff()


class ServiceAtLocation(TimeStampedModel):
    """A service delivered at a site (HSDS `service_at_location`)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="service_links")
    note = models.CharField(_("note"), max_length=300, blank=True)
    # HSDS 3.0 schedules, phones and contacts of an imported service_at_location: `hsds.kept`
    hsds_extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service at a site")
        verbose_name_plural = _("services at sites")
        constraints = [
            models.UniqueConstraint(fields=["service", "site"], name="uniq_service_site"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}@{self.site_id}"

    @property
    def audit_organisation(self) -> models.Model:
        return self.service.organisation


class ServiceArea(TimeStampedModel):
    """An area a service covers without a site there: by phone, online or a mobile team."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    # HSDS 3.0 name, description, uri and extent_type of an imported service area: `hsds.kept`
    hsds_extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.UniqueConstraint(fields=["service", "area"], name="uniq_service_area"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}~{self.area_id}"


class OrganisationHsds(models.Model):
    """The HSDS 3.0 fields of an imported organization that CareNet's organisations do not
    hold (e-mail, tax and legal status, logo, identifiers, funding, programs...): see
    `hsds.kept`, written back on export."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="hsds"
    )
    hsds_extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("HSDS fields of an organisation")
        verbose_name_plural = _("HSDS fields of organisations")

    def __str__(self) -> str:
        return f"hsds {self.organisation_id}"


class SearchEntry(models.Model):
    """One searchable row: a service at a site (`site` set) or over a service area (`site`
    empty, remote). Only public-safe, active rows exist: confidential sites and services that
    are not active are left out when the entry is built.

    Code lists are stored as "|code|code|" so one LIKE (or trigram index) finds a code;
    `text` is lower-case, diacritic-free text in all three languages (see `text.fold`).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    area_path = models.CharField(max_length=120)
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    text = models.TextField()
    layer = models.CharField(max_length=40, blank=True)
    activities = models.CharField(max_length=400, blank=True)
    interventions = models.CharField(max_length=400, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    target_groups = models.CharField(max_length=400, blank=True)
    delivery_modes = models.CharField(max_length=200, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True)
    age_max = models.PositiveSmallIntegerField(null=True)
    sex = models.CharField(max_length=10)
    free = models.BooleanField()
    full = models.BooleanField()
    # 9999 stands for "unknown" so that ordering by waiting time needs no NULLS LAST.
    waiting_days = models.PositiveSmallIntegerField()
    sort_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["lat", "lon"], name="dir_search_latlon"),
            models.Index(
                fields=["area_path"], name="dir_search_area", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["waiting_days", "sort_name"], name="dir_search_wait"),
            models.Index(fields=["layer"], name="dir_search_layer"),
        ]

    def __str__(self) -> str:
        return f"search {self.service_id}@{self.site_id or 'area'}"
