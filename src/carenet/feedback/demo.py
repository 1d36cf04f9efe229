"""Demo feedback: the code lists, a complaint policy with a safeguarding focal point, a few
months of anonymous feedback at the RPC persona organisation's public sites, complaints at
each step (one overdue, one sensitive) and a "you said, we did" note."""

from __future__ import annotations

import datetime

from django.utils import timezone

from carenet.accounts.models import Membership
from carenet.core.demo import DemoContext
from carenet.directory import queries as directory_queries
from carenet.feedback import services
from carenet.feedback.models import ComplaintCategory, Feedback, SatisfactionQuestion, Theme
from carenet.feedback.reference import load_reference

TEXTS = [
    "Дуже дякую, мені стало легше.",
    "Довго чекала в коридорі, але психологиня дуже уважна.",
    "Please open on Saturdays.",
    "Bardzo miła atmosfera, dziękuję.",
    "",
    "Хотілося б більше групових зустрічей.",
]


def build(ctx: DemoContext) -> None:
    load_reference()
    focal = ctx.users.get("focal")
    safeguarding = ctx.users.get("practitioner")
    if focal is None or safeguarding is None:
        return
    org = Membership.objects.get(user=focal, role="focal_point").organisation
    services.policy_set(
        actor=None, organisation=org, acknowledge_days=3, respond_days=14, focal_point=safeguarding
    )
    sites = list(directory_queries.public_sites().filter(organisation=org).order_by("pk")[:2])
    if not sites:
        return
    _feedback(ctx, sites)
    _complaints(ctx, sites[0], focal)
    services.note_publish(
        actor=focal,
        site=sites[0],
        you_said="Черга в коридорі занадто довга / The queue in the corridor was too long.",
        we_did=(
            "Запис за телефоном і окрема кімната очікування / "
            "Booking by phone and a quiet waiting room."
        ),
    )
    ctx.log(
        f"feedback: form of a demo site at /feedback/{sites[0].uuid}/ (its poster: add poster/)"
    )


def _feedback(ctx: DemoContext, sites: list) -> None:
    questions = list(SatisfactionQuestion.objects.values_list("code", flat=True))
    themes = list(Theme.objects.all())
    now = timezone.now()
    for i in range(40):
        site = sites[i % len(sites)]
        scores = {q: ctx.rng.choice([3, 4, 4, 5, 5]) for q in questions if ctx.rng.random() < 0.8}
        text = TEXTS[i % len(TEXTS)]
        if not scores and not text:
            text = TEXTS[0]
        item = services.feedback_submit(scores=scores, text=text, site=site, language="uk")
        item.themes.set(ctx.rng.sample(themes, 1))
        when = now - datetime.timedelta(days=ctx.rng.randint(0, 170), hours=ctx.rng.randint(0, 8))
        Feedback.objects.filter(pk=item.pk).update(created_at=when)  # spread over months


def _complaints(ctx: DemoContext, site: object, focal: object) -> None:
    access = ComplaintCategory.objects.get(code="access")
    long_ago = timezone.now() - datetime.timedelta(days=20)
    services.complaint_submit(
        category=access, text="Ніхто не передзвонив після запису.", site=site, now=long_ago
    )  # left overdue on purpose
    answered = services.complaint_submit(
        category=ComplaintCategory.objects.get(code="staff_attitude"),
        text="The receptionist was rude to my mother.",
        contact="+380 67 000 00 00",
        identity_shared=True,
        site=site,
    )
    for step in ("acknowledged", "under_review"):
        answered = services.complaint_step(actor=focal, complaint=answered, to=step)  # type: ignore[arg-type]
    services.complaint_step(
        actor=focal,  # type: ignore[arg-type]
        complaint=answered,
        to="responded",
        response="We apologise; the team had a session on respectful reception.",
    )
    services.complaint_submit(
        category=ComplaintCategory.objects.get(code="misconduct"),
        text="A volunteer asked for money for a place in the group.",
        site=site,
    )
