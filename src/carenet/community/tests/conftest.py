"""Factories for the community tests: data is made through the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from carenet.community import queries, services
from carenet.community.loaders import load_reference
from carenet.community.models import CommunitySector, CrmEdition, Programme

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def reference(db: None) -> None:
    load_reference()


def edition(code: str = "2006") -> CrmEdition:
    return CrmEdition.objects.get(code=code)


def sector(code: str = "education") -> CommunitySector:
    return CommunitySector.objects.get(code=code)


def make_assessment(
    actor: Any,
    community: Any,
    organisation: Any = None,
    *,
    consensus: list[list[str]] | None = None,
    edition_code: str = "2006",
    on: datetime.date = DAY,
    issue: str = "Support space",
) -> Any:
    """An assessment with one interview per row of `consensus` (one value per dimension,
    in letter order; "" = not scored)."""
    assessment = services.assessment_create(
        actor=actor,
        community=community,
        organisation=organisation,
        issue=issue,
        edition=edition(edition_code),
        assessed_on=on,
    )
    dims = queries.dimensions_of(assessment.edition)
    for row in consensus or []:
        interview = services.interview_add(
            actor=actor, assessment=assessment, sector=sector(), role="school director"
        )
        scores = {
            d.code: services.ScoreInput(consensus=Decimal(v) if v else None)
            for d, v in zip(dims, row, strict=True)
        }
        services.scores_save(actor=actor, interview=interview, scores=scores)
    assessment.refresh_from_db()
    return assessment


def make_session(actor: Any, community: Any, organisation: Any = None, **kwargs: Any) -> Any:
    return services.session_create(
        actor=actor,
        community=community,
        organisation=organisation,
        participation={sector("health"): 3, sector("education"): 2},
        held_on=kwargs.pop("held_on", DAY),
        title=kwargs.pop("title", "Kick-off"),
        vision="A support space for all",
        **kwargs,
    )


def make_implementation(
    actor: Any, community: Any, organisation: Any = None, programme: str = "taking-care-of-myself"
) -> Any:
    return services.implementation_create(
        actor=actor,
        programme=Programme.objects.get(code=programme),
        community=community,
        organisation=organisation,
        started_on=DAY,
    )
