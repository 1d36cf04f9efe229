"""Users, organisations, memberships and network-wide roles."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
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
    # Raised by "sign out my other sessions" and by deactivation: every session signed with an
    # older generation stops being valid, the way a password change ends them.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_session_auth_hash(self) -> str:
        if not self.session_generation:
            # Generation 0 keeps Django's hash, so sessions open before this field existed
            # stay valid.
            return super().get_session_auth_hash()
        return self._generation_hash(None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        if not self.session_generation:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._generation_hash(secret)

    def _generation_hash(self, secret: str | bytes | None) -> str:
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(
            "carenet.accounts.User.session", value, secret=secret, algorithm="sha256"
        ).hexdigest()


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


class CoordinationRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CO_LEAD = "co_lead", _("Co-lead")
    OBSERVER = "observer", _("Observer")


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
    coordination_role = models.CharField(
        _("role in the coordination group"),
        max_length=12,
        choices=CoordinationRole.choices,
        default=CoordinationRole.MEMBER,
    )
    areas = models.ManyToManyField(
        "geo.AdminArea", blank=True, related_name="+", verbose_name=_("areas of work")
    )
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


# Who may give which role in their own organisation: never a role above one's own.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.ORG_ADMIN: frozenset(Role),
    Role.FOCAL_POINT: frozenset({Role.FOCAL_POINT, Role.VIEWER}),
    Role.PRACTITIONER: frozenset(),
    Role.VIEWER: frozenset(),
}


class InvitationKind(models.TextChoices):
    ORGANISATION = "organisation", _("Staff of an organisation")
    COP = "cop", _("Member of a Community of Practice")
    TRAINING = "training", _("Participant in a training")
    TRAINER = "trainer", _("Trainer of a training")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """An e-mailed invitation to join an organisation (with a role), a CoP or a training.

    Only a hash of the token is stored: the link in the e-mail is the one copy of it.
    """

    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(
        _("kind"),
        max_length=14,
        choices=InvitationKind.choices,
        default=InvitationKind.ORGANISATION,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    # what a CoP or training invitation leads into (the app that owns it accepts it)
    target = models.UUIDField(null=True, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return f"invitation {self.uuid}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A fresh token and its hash."""
        token = secrets.token_urlsafe(32)
        return token, Invitation.hash_token(token)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
