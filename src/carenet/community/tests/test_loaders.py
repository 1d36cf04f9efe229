from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from carenet.community.loaders import load_reference
from carenet.community.models import (
    ChecklistItem,
    CrmDimension,
    CrmStage,
    CrmStageAction,
    ImplementationStage,
    Programme,
    SupportOffer,
)


def test_it_loads_both_editions_the_nine_stages_and_the_default_implementation_stages(
    db: None,
) -> None:
    load_reference()
    assert list(
        CrmDimension.objects.filter(edition__code="2006").values_list("letter", flat=True)
    ) == list("ABCDEF")
    assert CrmDimension.objects.filter(edition__code="2014").count() == 5
    stages = list(CrmStage.objects.all())
    assert [s.number for s in stages] == list(range(1, 10))
    assert stages[3].name_en == "Preplanning"
    assert all(s.goal_en and s.goal_uk and s.goal_pl for s in stages)
    assert all(s.actions.exists() for s in stages)
    assert not CrmStageAction.objects.filter(verified=True).exists()  # recalled, flagged
    impl = list(ImplementationStage.objects.all())
    assert len(impl) == 11
    assert all(s.carenet_default for s in impl)
    assert impl[0].name_en == "Initial analysis of needs and resources"
    assert impl[-1].name_en.startswith("Integration into local and state policy")
    assert set(SupportOffer.objects.values_list("code", flat=True)) >= {
        "individual-counselling",
        "cbt",
        "mind-body-groups",
        "self-help-plus-groups",
        "referral",
    }
    assert ChecklistItem.objects.count() == 5
    assert Programme.objects.filter(code="resilience-centres").exists()


def test_loading_twice_changes_nothing_and_keeps_admin_edits(db: None) -> None:
    load_reference()
    stage = ImplementationStage.objects.get(code="pilot")
    stage.name_en = "Pilot (edited by an administrator)"
    stage.save()
    report = load_reference()
    assert all(c.created == 0 and c.updated == 0 for c in report.files.values())
    stage.refresh_from_db()
    assert stage.name_en == "Pilot (edited by an administrator)"
    report = load_reference(update=True)
    stage.refresh_from_db()
    assert stage.name_en == "Pilot delivery of services"
    assert report.files["implementation_stages.csv"].updated == 1


def test_the_command_reports_what_it_loaded(db: None) -> None:
    out = StringIO()
    call_command("load_community_reference", stdout=out)
    assert "crm_stages.csv: 9 created" in out.getvalue()
    out = StringIO()
    call_command("load_community_reference", stdout=out)
    assert "crm_stages.csv: 0 created, 0 updated, 9 unchanged" in out.getvalue()
