"""Users, organisations, memberships and network-wide roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email


class OrganisationKind(models.TextChoices):
    UN_AGENCY = "un", _("UN agency")
    INGO = "ingo", _("International NGO")
    NNGO = "nngo", _("National NGO")
    CBO = "cbo", _("Community-based organisation")
    GOVERNMENT = "gov", _("Government / ministry")
    LOCAL_AUTHORITY = "local", _("Local authority")
    ACADEMIC = "academic", _("Academic institution")
    PROFESSIONAL = "professional", _("Professional association")
    PRIVATE = "private", _("Private provider")


class Country(models.TextChoices):
    UKRAINE = "UA", _("Ukraine")
    POLAND = "PL", _("Poland")


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    sectors = models.ManyToManyField(
        "taxonomy.Term",
        blank=True,
        related_name="organisations",
        verbose_name=_("sectors"),
        limit_choices_to={"scheme__code": "sector"},
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    coordination_member = models.BooleanField(_("member of the coordination group"), default=False)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym or self.name

    @property
    def audit_organisation(self) -> Organisation:
        return self


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation admin")
    FOCAL_POINT = "focal_point", _("Focal point")
    PRACTITIONER = "practitioner", _("Practitioner")
    VIEWER = "viewer", _("Viewer")


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}:{self.role}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation


class CoordinatorRole(TimeStampedModel):
    """A network-wide coordinator: sees and validates the whole network's reports, or only
    those of one area subtree (e.g. an oblast) when `area` is set."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coordinator_roles")
    area = models.ForeignKey(
        "geo.AdminArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("limited to area"),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=Country.choices,
        blank=True,
        help_text=_("Empty: every country."),
    )

    class Meta:
        verbose_name = _("coordinator role")
        verbose_name_plural = _("coordinator roles")

    def __str__(self) -> str:
        return f"coordinator {self.user_id} {self.area_id or self.country or '*'}"
