"""Demo organisations and people: every organisation kind, every role, two countries."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import transaction

from carenet.accounts import services
from carenet.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from carenet.core.demo import DEMO_PASSWORD, DemoContext
from carenet.geo.models import AdminArea
from carenet.taxonomy.models import Term

DOMAIN = "carenet.demo"
SIGN_INS = [
    (f"coordinator@{DOMAIN}", "network coordinator (whole network)"),
    (f"coordinator.kyiv@{DOMAIN}", "coordinator limited to Kyivska oblast"),
    (f"admin@{DOMAIN}", "superuser (Django admin)"),
    (f"orgadmin@{DOMAIN}", "organisation admin, Rozrada Psychosocial Centre (RPC)"),
    (f"focal@{DOMAIN}", "focal point, Rozrada Psychosocial Centre (RPC)"),
    (f"practitioner@{DOMAIN}", "practitioner, support space of RPC"),
    (f"viewer@{DOMAIN}", "viewer, RPC"),
    (f"specialist@{DOMAIN}", "practitioner, Kyiv Regional Mental Health Clinic (KRMHC)"),
    (f"focal.pl@{DOMAIN}", "focal point, Fundacja Bliżej (FB), Poland"),
]

# The named organisations the personas belong to; the rest are generated.
NAMED = [
    (
        "Rozrada Psychosocial Centre",
        "RPC",
        OrganisationKind.NNGO,
        "UA",
        ["health", "social-protection"],
    ),
    ("Kyiv Regional Mental Health Clinic", "KRMHC", OrganisationKind.GOVERNMENT, "UA", ["health"]),
    ("Fundacja Bliżej", "FB", OrganisationKind.NNGO, "PL", ["health", "protection"]),
]
_UA_WORDS = [
    "Dnipro",
    "Karpaty",
    "Svitanok",
    "Nadiia",
    "Opora",
    "Rodyna",
    "Dzherelo",
    "Krok",
    "Mriia",
    "Zlagoda",
    "Berehynia",
    "Poruch",
    "Veselka",
    "Rozvytok",
    "Dobro",
]
_PL_WORDS = [
    "Razem",
    "Most",
    "Przystań",
    "Nadzieja",
    "Wsparcie",
    "Dialog",
    "Horyzont",
    "Otwarte Drzwi",
    "Sąsiedzi",
    "Krąg",
    "Azymut",
    "Ostoja",
]
_PATTERNS = {
    OrganisationKind.UN_AGENCY: ("{w} UN Programme Office", "{w} UN Office"),
    OrganisationKind.INGO: ("{w} International Relief", "{w} Humanitarian Partners"),
    OrganisationKind.NNGO: ("{w} Psychosocial Foundation", "Fundacja {w}"),
    OrganisationKind.CBO: ("{w} Community Initiative", "Stowarzyszenie {w}"),
    OrganisationKind.GOVERNMENT: ("{w} Regional Health Department", "Urząd Wojewódzki {w}"),
    OrganisationKind.LOCAL_AUTHORITY: ("{w} Hromada Council", "Gmina {w} Social Centre"),
    OrganisationKind.ACADEMIC: ("{w} University Psychology Faculty", "Uniwersytet {w}"),
    OrganisationKind.PROFESSIONAL: (
        "{w} Association of Psychologists",
        "Stowarzyszenie Psychologów {w}",
    ),
    OrganisationKind.PRIVATE: ("{w} Counselling Practice", "Gabinet {w}"),
}
_SECTORS_BY_KIND = {
    OrganisationKind.UN_AGENCY: ["protection", "health"],
    OrganisationKind.INGO: ["health", "protection", "livelihoods"],
    OrganisationKind.NNGO: ["health", "social-protection"],
    OrganisationKind.CBO: ["community"],
    OrganisationKind.GOVERNMENT: ["health", "social-protection"],
    OrganisationKind.LOCAL_AUTHORITY: ["social-protection", "education"],
    OrganisationKind.ACADEMIC: ["education", "health"],
    OrganisationKind.PROFESSIONAL: ["health"],
    OrganisationKind.PRIVATE: ["health"],
}


def already_built() -> bool:
    return Organisation.objects.filter(acronym="RPC").exists()


@transaction.atomic
def build(ctx: DemoContext) -> None:
    sectors = {t.code: t for t in Term.objects.filter(scheme__code="sector")}
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    orgs = _organisations(ctx)
    for org, sector_codes in orgs:
        org.sectors.set([sectors[c] for c in sector_codes if c in sectors])
    ctx.organisations = [o for o, _ in orgs]
    _people(ctx, password)
    _areas_per_org(ctx)
    ctx.log(f"accounts: {len(ctx.organisations)} organisations, {User.objects.count()} users")


def _organisations(ctx: DemoContext) -> list[tuple[Organisation, list[str]]]:
    target = 60 if not ctx.national else 2000
    rows: list[tuple[Organisation, list[str]]] = []
    for name, acronym, kind, country, sector_codes in NAMED:
        rows.append(
            (
                Organisation(
                    name=name, acronym=acronym, kind=kind, country=country, coordination_member=True
                ),
                sector_codes,
            )
        )
    kinds = list(OrganisationKind)
    i = 0
    while len(rows) < target:
        kind = kinds[i % len(kinds)]
        country = "UA" if ctx.rng.random() < 0.6 else "PL"
        words = _UA_WORDS if country == "UA" else _PL_WORDS
        word = words[ctx.rng.randrange(len(words))]
        pattern = _PATTERNS[kind][0 if country == "UA" else 1]
        name = pattern.format(w=word) + (f" {i // 50 + 1}" if ctx.national else "")
        acronym = f"{''.join(p[0] for p in name.split() if p[0].isalpha()).upper()[:6]}{i:04d}"
        rows.append(
            (
                Organisation(
                    name=name,
                    acronym=acronym,
                    kind=kind,
                    country=country,
                    coordination_member=ctx.rng.random() < 0.8,
                ),
                _SECTORS_BY_KIND[kind],
            )
        )
        i += 1
    created = Organisation.objects.bulk_create([o for o, _ in rows])
    return list(zip(created, [s for _, s in rows], strict=True))


def _people(ctx: DemoContext, password: str) -> None:
    by_acronym = {o.acronym: o for o in ctx.organisations}
    personas = {
        "orgadmin": ("RPC", Role.ORG_ADMIN),
        "focal": ("RPC", Role.FOCAL_POINT),
        "practitioner": ("RPC", Role.PRACTITIONER),
        "viewer": ("RPC", Role.VIEWER),
        "specialist": ("KRMHC", Role.PRACTITIONER),
        "focal.pl": ("FB", Role.FOCAL_POINT),
    }
    users = [
        User(
            email=f"{name}@{DOMAIN}",
            full_name=name.replace(".", " ").title() + " Demo",
            password=password,
        )
        for name in [*personas, "coordinator", "coordinator.kyiv"]
    ]
    users.append(
        User(
            email=f"admin@{DOMAIN}",
            full_name="Admin Demo",
            password=password,
            is_staff=True,
            is_superuser=True,
        )
    )
    memberships: list[Membership] = []
    generated: list[tuple[User, Organisation, Role]] = []
    for org in ctx.organisations:
        for role in (Role.ORG_ADMIN, Role.FOCAL_POINT, Role.PRACTITIONER):
            slug = org.acronym.lower()
            generated.append(
                (
                    User(
                        email=f"{role.value}.{slug}@{DOMAIN}",
                        full_name=f"{role.label} {org.acronym}",
                        password=password,
                    ),
                    org,
                    role,
                )
            )
    User.objects.bulk_create(users + [u for u, _, _ in generated])
    by_email = {u.email: u for u in User.objects.filter(email__endswith=DOMAIN)}
    for name, (acronym, role) in personas.items():
        user = by_email[f"{name}@{DOMAIN}"]
        memberships.append(Membership(user=user, organisation=by_acronym[acronym], role=role))
        ctx.users[name.replace(".", "_")] = user
    for user, org, role in generated:
        user = by_email[user.email]
        memberships.append(Membership(user=user, organisation=org, role=role))
        ctx.members.setdefault(org.pk, {})[role.value] = user
    Membership.objects.bulk_create(memberships)
    for name in ("orgadmin", "focal", "practitioner", "viewer"):
        ctx.members[by_acronym["RPC"].pk][personas[name][1].value] = ctx.users[name]
    ctx.members[by_acronym["KRMHC"].pk][Role.PRACTITIONER.value] = ctx.users["specialist"]
    ctx.users["coordinator"] = by_email[f"coordinator@{DOMAIN}"]
    ctx.users["coordinator_kyiv"] = by_email[f"coordinator.kyiv@{DOMAIN}"]
    ctx.users["admin"] = by_email[f"admin@{DOMAIN}"]
    services.coordinator_grant(actor=None, user=ctx.users["coordinator"])
    kyiv = AdminArea.objects.filter(pcode="UA32").first()
    if kyiv is not None:
        services.coordinator_grant(actor=None, user=ctx.users["coordinator_kyiv"], area=kyiv)


def _areas_per_org(ctx: DemoContext) -> None:
    """Each organisation works in a few areas of its country: ctx.shared["org_areas"]."""
    by_country: dict[str, list[AdminArea]] = defaultdict(list)
    for area in ctx.areas:
        by_country[area.country].append(area)
    org_areas: dict[int, list[AdminArea]] = {}
    for org in ctx.organisations:
        pool = by_country.get(org.country) or ctx.areas
        k = 1 if ctx.national else min(len(pool), ctx.rng.randint(1, 4))
        org_areas[org.pk] = ctx.rng.sample(pool, k)
    named = {o.acronym: o for o in ctx.organisations}
    kyiv_pool = [a for a in ctx.areas if a.pcode.startswith(("UA32", "UA80"))]
    for acronym in ("RPC", "KRMHC"):
        if kyiv_pool and acronym in named:
            org_areas[named[acronym].pk] = kyiv_pool[:3]
    ctx.shared["org_areas"] = org_areas
