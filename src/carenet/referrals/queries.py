"""Every protected read of the referrals app.

Who may reach a client or a referral starts from `core.permissions.filter_for` here; what a
receiving organisation may read of a person is decided by `referrals.consent`; every view of
one client or one referral is audited where it is read (`open_client`, `open_referral`).
An outsider gets 404 — never a hint that the record exists.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from carenet.accounts.models import User
from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.referrals import consent as consent_rules
from carenet.referrals.models import (
    OUTCOME_STATES,
    Client,
    Consent,
    ConsentPurpose,
    Notification,
    Referral,
    ReferralEvent,
    Side,
    Status,
    Urgency,
)
from carenet.referrals.workflow import Transition, transitions_from

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import Organisation

    Viewer = User | AnonymousUser | None

# Columns a list needs: never the encrypted ones (nothing is decrypted for a list).
LIST_FIELDS = (
    "id",
    "uuid",
    "code",
    "status",
    "urgency",
    "layer",
    "from_layer",
    "created_at",
    "sent_at",
    "from_organisation",
    "to_organisation",
    "service",
    "client",
    "client__code",
    "due_at",
    "acknowledged_at",
    "closed_at",
    "loop_closed_at",
    "outcome",
    "from_organisation__acronym",
    "from_organisation__name",
    "to_organisation__acronym",
    "to_organisation__name",
    "service__name_en",
    "service__name_uk",
    "service__name_pl",
)
PAGE_SIZE = 50


def _user(user: Viewer) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def _as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


# --- clients ---------------------------------------------------------------------------------


def clients_for(user: Viewer) -> QuerySet[Client]:
    """Clients of the organisations in which `user` may see client data."""
    return permissions.filter_for(user, "referral.view", Client.objects.all())


def client_for_user(user: Viewer, uuid: Any) -> Client:
    """One client `user` may see, or 404 (also for forged ids and other organisations)."""
    client = (
        clients_for(user).select_related("organisation", "area").filter(uuid=_as_uuid(uuid)).first()
    )
    if client is None:
        raise Http404
    return client


def client_to_handle(user: Viewer, uuid: Any, action: str = "referral.handle") -> Client:
    """One client `user` may act on for its organisation (`action`): 404 for anyone who may
    not see it, 403 for a superuser who sees it but is not a member acting for it."""
    client = client_for_user(user, uuid)
    if not permissions.acts_for(user, action, client.organisation):
        raise PermissionDenied
    return client


def open_client_to_handle(user: Viewer, uuid: Any, request: HttpRequest | None = None) -> Client:
    """`client_to_handle`, audited as a view (the edit form shows the identifying fields)."""
    client = client_to_handle(user, uuid)
    audit.record(AuditAction.VIEW, actor=_user(user), obj=client, request=request)
    return client


def open_client(user: Viewer, uuid: Any, request: HttpRequest | None = None) -> Client:
    """`client_for_user`, audited as a view of a sensitive record."""
    client = client_for_user(user, uuid)
    audit.record(AuditAction.VIEW, actor=_user(user), obj=client, request=request)
    return client


def client_register(user: Viewer, organisation: Organisation, search: str = "") -> QuerySet[Client]:
    """The register of `organisation` (codes and minimum data; no decryption for lists)."""
    permissions.require(user, "referral.view", organisation)
    qs = (
        Client.objects.filter(organisation=organisation)
        .select_related("area")
        .only(
            "id",
            "uuid",
            "code",
            "sex",
            "age_band",
            "languages",
            "created_at",
            "area__pcode",
            "area__name_en",
            "area__name_uk",
            "area__name_pl",
            "area__country",
        )
    )
    search = search.strip().upper()
    if search:
        qs = qs.filter(code__contains=search)
    return qs.order_by("-created_at", "-id")


def consents_of(client: Client) -> list[Consent]:
    return list(client.consents.prefetch_related("organisations").order_by("-given_at", "-id"))


def consent_organisations(client: Client, search: str = "") -> QuerySet[Organisation]:
    """The organisations a consent of `client` may cover: the network's active organisations
    but the client's own, those the person was referred to first, then by name. `search`
    narrows them by name or acronym."""
    from carenet.accounts.models import Organisation

    referred = client.referrals.exclude(to_organisation=None).values("to_organisation_id")
    qs = Organisation.objects.filter(is_active=True).exclude(pk=client.organisation_id)
    search = search.strip()[:100]
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(acronym__icontains=search))
    first = Case(
        When(pk__in=referred, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(first=first).order_by("first", "name")


def consent_for_user(user: Viewer, uuid: Any) -> Consent:
    """One consent of a client `user` may see, or 404."""
    consent = (
        Consent.objects.filter(uuid=_as_uuid(uuid), client__in=clients_for(user))
        .select_related("client__organisation")
        .first()
    )
    if consent is None:
        raise Http404
    return consent


# --- referrals -------------------------------------------------------------------------------


def referrals_for(user: Viewer, action: str = "referral.view") -> QuerySet[Referral]:
    """Referrals `user` may reach: those its organisations sent (drafts too), and those
    addressed to them once sent. Nobody else's."""
    base = Referral.objects.all()
    sent = permissions.filter_for(user, action, base, org_field="from_organisation")
    received = permissions.filter_for(user, action, base.sent(), org_field="to_organisation")
    return sent | received


def referral_for_user(user: Viewer, uuid: Any) -> Referral:
    """One referral `user` may reach, or 404 (a third organisation's worker gets 404)."""
    referral = (
        referrals_for(user)
        .select_related(
            "client",
            "client__area",
            "from_organisation",
            "to_organisation",
            "service",
            "site",
            "area",
            "consent",
        )
        .filter(uuid=_as_uuid(uuid))
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def sides_of(user: Viewer, referral: Referral, action: str = "referral.view") -> frozenset[str]:
    """The sides of `referral` on which `user` may act for `action`."""
    sides = set()
    if permissions.can(user, action, referral.from_organisation):
        sides.add(Side.SENDER)
    if (
        referral.status != Status.DRAFT
        and referral.to_organisation is not None
        and (permissions.can(user, action, referral.to_organisation))
    ):
        sides.add(Side.RECEIVER)
    return frozenset(sides)


def acting_sides(
    user: Viewer, referral: Referral, action: str = "referral.handle"
) -> frozenset[str]:
    """The sides of `referral` for which `user` acts, as a member whose role allows `action`
    (a superuser who is not a member sees the referral but acts for neither side)."""
    sides = set()
    if permissions.acts_for(user, action, referral.from_organisation):
        sides.add(Side.SENDER)
    if referral.status != Status.DRAFT and permissions.acts_for(
        user, action, referral.to_organisation
    ):
        sides.add(Side.RECEIVER)
    return frozenset(sides)


def allowed_transitions(user: Viewer, referral: Referral) -> list[Transition]:
    """The transitions this user may make now (what the page offers; the service decides)."""
    allowed = []
    for t in transitions_from(referral.status):
        org = referral.from_organisation if t.side == Side.SENDER else referral.to_organisation
        if t.side == Side.RECEIVER and referral.status == Status.DRAFT:
            continue
        if permissions.acts_for(user, t.action, org):
            allowed.append(t)
    return allowed


@dataclass
class PersonFacts:
    """What this viewer may read about the person; None = not shared with them."""

    code: str
    sex: str
    age_band: str
    languages: list[str]
    area: Any
    name: str | None = None
    phone: str | None = None
    date_of_birth: str | None = None
    summary: str | None = None
    withheld: bool = False  # the receiver is shown that something is not shared


@dataclass
class ReferralPage:
    """A referral as one viewer may see it."""

    referral: Referral
    sides: frozenset[str]
    person: PersonFacts
    transitions: list[Transition]
    events: list[ReferralEvent]
    follow_up: bool
    can_override: bool
    consent_valid: bool
    acting: frozenset[str] = frozenset()  # the sides this user acts for (see acting_sides)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sender(self) -> bool:
        return Side.SENDER in self.sides

    @property
    def may_edit_draft(self) -> bool:
        return self.referral.status == Status.DRAFT and Side.SENDER in self.acting

    @property
    def is_receiver(self) -> bool:
        return Side.RECEIVER in self.sides and Side.SENDER not in self.sides

    @property
    def reason_visible(self) -> bool:
        """The referring side's reasons (cancel, revoke) reach the receiver only while the
        reason for referral is shared; the receiver's own reasons it always sees."""
        if not self.is_receiver:
            return True
        own = self.referral.status in (Status.DECLINED, Status.NO_SHOW)
        return own or self.person.summary is not None


def person_facts(referral: Referral, sides: frozenset[str]) -> PersonFacts:
    """The client's fields this viewer may read: all for the referring organisation; for the
    receiver, the minimum data plus what a valid consent (now) releases."""
    client = referral.client
    facts = PersonFacts(
        code=client.code,
        sex=client.get_sex_display(),
        age_band=client.get_age_band_display(),
        languages=client.languages,
        area=client.area,
    )
    if Side.SENDER in sides:
        allowed = frozenset({"name", "phone", "date_of_birth", consent_rules.SUMMARY})
    else:
        allowed = consent_rules.receiver_may_read(referral)
        facts.withheld = len(allowed) < 4
    for name in ("name", "phone", "date_of_birth"):
        if name in allowed:
            setattr(facts, name, getattr(client, name))
    if consent_rules.SUMMARY in allowed:
        facts.summary = referral.summary
    return facts


def open_referral(user: Viewer, uuid: Any, request: HttpRequest | None = None) -> ReferralPage:
    """A referral page for `user`, audited as a view; 404 for anyone not on either side."""
    referral = referral_for_user(user, uuid)
    sides = sides_of(user, referral)
    audit.record(
        AuditAction.VIEW,
        actor=_user(user),
        obj=referral,
        request=request,
        detail="side=" + ",".join(sorted(sides)),
    )
    receiver = referral.to_organisation
    share_ok = (
        receiver is not None
        and consent_rules.valid_consent(
            referral.client, ConsentPurpose.SHARE_REFERRAL, receiver, referral=referral
        )
        is not None
    )
    return ReferralPage(
        referral=referral,
        sides=sides,
        person=person_facts(referral, sides),
        transitions=allowed_transitions(user, referral),
        events=list(referral.events.select_related("actor")),
        follow_up=receiver is not None and consent_rules.follow_up_allowed(referral, receiver),
        can_override=permissions.acts_for(user, "consent.override", referral.from_organisation),
        consent_valid=share_ok,
        acting=acting_sides(user, referral),
    )


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    urgency: str = ""
    overdue: bool = False
    code: str = ""

    @classmethod
    def from_query(cls, data: Any) -> ListFilters:
        status = data.get("status", "")
        urgency = data.get("urgency", "")
        return cls(
            status=status if status in Status.values else "",
            urgency=urgency if urgency in Urgency.values else "",
            overdue=data.get("overdue") in ("1", "on", "true"),
            code=str(data.get("code", "")).strip().upper()[:12],
        )


def _filtered(qs: QuerySet[Referral], filters: ListFilters) -> QuerySet[Referral]:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.overdue:
        qs = qs.filter(status=Status.SENT, due_at__lt=timezone.now())
    if filters.code:
        qs = qs.filter(Q(code=filters.code) | Q(client__code=filters.code))
    return qs


def _listed(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    # select_related (not an annotation) so that the paginator's COUNT drops the joins; only
    # the client's code is loaded, nothing encrypted is read or decrypted.
    return qs.select_related("from_organisation", "to_organisation", "service", "client").only(
        *LIST_FIELDS
    )


def inbox(
    user: Viewer, organisation: Organisation, filters: ListFilters = ListFilters()
) -> QuerySet[Referral]:
    """Referrals sent to `organisation`, newest first (drafts never appear)."""
    permissions.require(user, "referral.view", organisation)
    qs = Referral.objects.filter(to_organisation=organisation, sent_at__isnull=False)
    return _listed(_filtered(qs, filters)).order_by("-sent_at", "-id")


def outbox(
    user: Viewer, organisation: Organisation, filters: ListFilters = ListFilters()
) -> QuerySet[Referral]:
    """Referrals `organisation` made (drafts included), newest first."""
    permissions.require(user, "referral.view", organisation)
    qs = Referral.objects.filter(from_organisation=organisation)
    return _listed(_filtered(qs, filters)).order_by("-created_at", "-id")


def referrals_of_client(user: Viewer, client: Client) -> QuerySet[Referral]:
    permissions.require(user, "referral.view", client.organisation)
    return _listed(Referral.objects.filter(client=client)).order_by("-created_at", "-id")


def outcomes_to_see(user: Viewer, organisation: Organisation) -> int:
    """How many of `organisation`'s referrals have an outcome nobody there has seen yet."""
    permissions.require(user, "referral.view", organisation)
    return Referral.objects.filter(
        from_organisation=organisation, status__in=OUTCOME_STATES, loop_closed_at__isnull=True
    ).count()


def notifications_for(
    user: Viewer, organisation: Organisation, *, unread_only: bool = False
) -> QuerySet[Notification]:
    permissions.require(user, "referral.view", organisation)
    qs = Notification.objects.filter(organisation=organisation).select_related("referral")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.only(
        "id",
        "uuid",
        "event",
        "created_at",
        "read_at",
        "referral__uuid",
        "referral__code",
        "referral__urgency",
    ).order_by("-created_at", "-id")


def unread_count(user: Viewer, organisation: Organisation | None) -> int:
    if organisation is None or not permissions.can(user, "referral.view", organisation):
        return 0
    return Notification.objects.filter(organisation=organisation, read_at__isnull=True).count()


# --- suggestions -----------------------------------------------------------------------------


def suggestions_for(referral: Referral, *, limit: int = 20) -> list[Any]:
    """Services that fit a draft's need and the person, nearest and shortest wait first.

    Full, closed and confidential listings never come back (the directory's search table
    holds only active, public, not-full rows); the referring organisation is left out.
    """
    from carenet.directory.queries import match_services

    client = referral.client
    area = client.area
    near = (
        (area.lat, area.lon)
        if area is not None and area.lat is not None and (area.lon is not None)
        else None
    )
    return match_services(
        activity_codes=referral.activity_codes,
        layer=referral.layer or None,
        intervention=referral.intervention or None,
        language=client.languages[0] if client.languages else None,
        age=client.age_for_matching(),
        sex=client.sex if client.sex in ("female", "male") else None,
        target_group=referral.target_group or None,
        near=near,
        exclude_organisation=referral.from_organisation_id,
        limit=limit,
    )


def chosen_service(service_uuid: Any, site_uuid: Any = None) -> tuple[Any, Any]:
    """The public service (and its public site) a draft is addressed to, or 404."""
    from carenet.directory.queries import public_service, public_sites

    service = public_service(service_uuid)
    site = None
    if site_uuid:
        site = public_sites().filter(uuid=_as_uuid(site_uuid)).first()
        if site is None:
            raise Http404
    return service, site


# --- export ----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "referral",
    "direction",
    "client",
    "from_organisation",
    "to_organisation",
    "service",
    "urgency",
    "status",
    "layer_from",
    "layer_to",
    "created",
    "sent",
    "due",
    "acknowledged",
    "accepted",
    "started",
    "closed",
    "outcome",
    "loop_closed",
    "consent_basis",
)


def export_rows(
    user: Viewer, organisation: Organisation, request: HttpRequest | None = None
) -> list[list[str]]:
    """The organisation's own referrals (made and received), without any personal field.

    Audited as an export of the organisation's data.
    """
    permissions.require(user, "referral.export", organisation, hide=False)
    qs = (
        Referral.objects.filter(
            Q(from_organisation=organisation)
            | Q(to_organisation=organisation, sent_at__isnull=False)
        )
        .select_related("from_organisation", "to_organisation", "service")
        .annotate(client_code=F("client__code"))
        .defer("summary", "override_reason", "status_reason", "feedback")
        .order_by("created_at")
    )
    rows = [_export_row(r, organisation) for r in qs.iterator(chunk_size=2000)]
    audit.record(
        AuditAction.EXPORT,
        actor=_user(user),
        organisation=organisation,
        request=request,
        detail=f"referrals CSV, {len(rows)} rows",
    )
    return rows


def _export_row(r: Referral, organisation: Organisation) -> list[str]:
    made = r.from_organisation_id == organisation.pk

    def iso(value: Any) -> str:
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

    return [
        r.code,
        "sent" if made else "received",
        r.client_code,  # type: ignore[attr-defined]
        r.from_organisation.acronym,
        r.to_organisation.acronym if r.to_organisation else "",
        r.service.name_en if r.service else "",
        r.urgency,
        r.status,
        r.from_layer,
        r.layer,
        iso(r.created_at),
        iso(r.sent_at),
        iso(r.due_at),
        iso(r.acknowledged_at),
        iso(r.accepted_at),
        iso(r.started_at),
        iso(r.closed_at),
        r.outcome,
        iso(r.loop_closed_at),
        "override" if r.consent_overridden else ("consent" if r.consent_id else ""),
    ]
