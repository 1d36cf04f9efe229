"""The voice of the people served: anonymous feedback, complaints and "you said, we did".

Nothing here requires personal data. Free text and contact details are encrypted at rest
(`core.crypto`). A complaint in a sensitive category (abuse, exploitation, misconduct by
staff) is seen only by the organisation's designated safeguarding focal point: the rules are
in `feedback.permissions`.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carenet.core.crypto import EncryptedTextField
from carenet.core.models import TimeStampedModel, acted_by

TEXT_LIMIT = 2000
CONTACT_LIMIT = 200


def _localised(obj: models.Model, stem: str) -> str:
    lang = (get_language() or "en")[:2]
    return getattr(obj, f"{stem}_{lang}", "") or getattr(obj, f"{stem}_en", "")


class CodeListEntry(models.Model):
    """A row of one of the app's code lists (loaded from `feedback/data/*.csv`)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_uk = models.CharField(_("label (Ukrainian)"), max_length=200, blank=True)
    label_pl = models.CharField(_("label (Polish)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localised(self, "label")


class SatisfactionQuestion(CodeListEntry):
    """One short question of the public form, answered 1 (not at all) to 5 (completely)."""

    class Meta(CodeListEntry.Meta):
        verbose_name = _("satisfaction question")
        verbose_name_plural = _("satisfaction questions")


class ComplaintCategory(CodeListEntry):
    """What a complaint is about, chosen by the person who complains."""

    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Seen only by the organisation's safeguarding focal point."),
    )

    class Meta(CodeListEntry.Meta):
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")


class Theme(CodeListEntry):
    """A theme the responder assigns, for what the network learns."""

    class Meta(CodeListEntry.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class ComplaintPolicy(models.Model):
    """An organisation's due times for complaints and its safeguarding focal point."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("acknowledge within (days)"), default=3)
    respond_days = models.PositiveSmallIntegerField(_("respond within (days)"), default=14)
    safeguarding_focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("safeguarding focal point"),
    )

    class Meta:
        verbose_name = _("complaint policy")
        verbose_name_plural = _("complaint policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acknowledge_days__gte=1, respond_days__gte=1),
                name="complaint_policy_days_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"policy {self.organisation_id}"

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation


class Feedback(TimeStampedModel):
    """One anonymous feedback form sent about a site or a service."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "directory.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    text = EncryptedTextField(_("what the person wrote"), blank=True)
    contact = EncryptedTextField(_("contact for a reply"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    response = EncryptedTextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    responded_by = acted_by()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"feedback {self.uuid}"

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation


class Answer(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SatisfactionQuestion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "question"], name="uniq_feedback_answer"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="feedback_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.score}"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")


# The workflow: each status and the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.RECEIVED: (ComplaintStatus.ACKNOWLEDGED,),
    ComplaintStatus.ACKNOWLEDGED: (ComplaintStatus.UNDER_REVIEW,),
    ComplaintStatus.UNDER_REVIEW: (ComplaintStatus.RESPONDED,),
    ComplaintStatus.RESPONDED: (ComplaintStatus.CLOSED, ComplaintStatus.UNDER_REVIEW),
    ComplaintStatus.CLOSED: (),
}
OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.UNDER_REVIEW,
)


def _follow_up_code() -> str:
    return secrets.token_urlsafe(12)


class Complaint(TimeStampedModel):
    """A complaint with a case workflow and due times.

    `contact` is kept only when the person agreed that the organisation may know who
    complained (`identity_shared`); otherwise they follow their complaint with the secret
    `follow_up_code` they were shown, and the organisation never learns who they are.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "directory.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        ComplaintCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("about")
    )
    sensitive = models.BooleanField(_("sensitive"), default=False, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    text = EncryptedTextField(_("the complaint"))
    contact = EncryptedTextField(_("contact"), blank=True)
    identity_shared = models.BooleanField(_("agreed to be known"), default=False)
    follow_up_code = models.CharField(max_length=32, unique=True, default=_follow_up_code)
    # The staff member the complaint is about (set by the person handling it): never sees it.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff member complained about"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    acknowledge_due = models.DateTimeField(_("acknowledge by"))
    respond_due = models.DateTimeField(_("respond by"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    response = EncryptedTextField(_("response to the person"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"complaint {self.uuid}"

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation

    def can_transition(self, to: str) -> bool:
        return to in TRANSITIONS.get(self.status, ())

    def overdue(self, now: datetime.datetime | None = None) -> str:
        """ "acknowledge" or "respond" when that step is late, else ""."""
        now = now or timezone.now()
        if self.status == ComplaintStatus.RECEIVED and now > self.acknowledge_due:
            return "acknowledge"
        if self.status in OPEN_STATUSES and now > self.respond_due:
            return "respond"
        return ""


class PublicNote(TimeStampedModel):
    """A public "you said, we did" note of a site."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey("directory.Site", on_delete=models.CASCADE, related_name="+")
    you_said = models.CharField(_("you said"), max_length=500)
    we_did = models.CharField(_("we did"), max_length=500)
    published_by = acted_by()
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("“you said, we did” note")
        verbose_name_plural = _("“you said, we did” notes")

    def __str__(self) -> str:
        return f"note {self.uuid}"

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation
