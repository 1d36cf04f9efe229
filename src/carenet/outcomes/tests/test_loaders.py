from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carenet.outcomes.loaders import DATA_DIR, InstrumentFileError, load_instruments
from carenet.outcomes.models import Instrument, Licence, MEGroup


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.mark.django_db
def test_it_loads_every_instrument_with_its_group_and_reliability() -> None:
    report = load_instruments()
    assert "instruments: 10 created, 0 updated, 0 unchanged" in report.lines()
    phq9 = Instrument.objects.get(code="PHQ-9")
    assert phq9.me_group.code == "symptoms"
    assert (phq9.reliability, phq9.sd) == (0.89, 6.5)
    assert phq9.reliability_source.startswith("Reliability: Kroenke")
    assert len(phq9.definition["items"]) == 9
    assert Instrument.objects.get(code="WHO-5").me_group.code == "wellbeing"
    whodas = Instrument.objects.get(code="WHODAS-12")
    assert whodas.licence == Licence.SCORES_ONLY and whodas.definition["items"] == []
    assert not MEGroup.objects.get(code="functioning").verified
    assert MEGroup.objects.get(code="goal").verified


@pytest.mark.django_db
def test_loading_again_keeps_edits_unless_update() -> None:
    load_instruments()
    Instrument.objects.filter(code="PHQ-9").update(sd=7.0)
    assert "instruments: 0 created, 0 updated, 10 unchanged" in load_instruments().lines()
    assert Instrument.objects.get(code="PHQ-9").sd == 7.0
    assert "instruments: 0 created, 1 updated, 9 unchanged" in load_instruments(update=True).lines()
    assert Instrument.objects.get(code="PHQ-9").sd == 6.5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("BROKEN.json", "{not json", "not readable JSON"),
        ("SDQ.json", None, "may not ship"),
        ("WHODAS-12.json", "items", "scores-only"),
        ("PHQ-9.json", "range", "range"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_written(
    data_copy: Path, name: str, content: str | None, message: str
) -> None:
    folder = data_copy / "instruments"
    if name == "SDQ.json":
        data = json.loads((folder / "PHQ-2.json").read_text())
        data["code"] = "SDQ"
        (folder / name).write_text(json.dumps(data))
    elif content == "items":
        data = json.loads((folder / name).read_text())
        data["items"] = [{"n": 1, "text": {"en": "x"}}]
        (folder / name).write_text(json.dumps(data))
    elif content == "range":
        data = json.loads((folder / name).read_text())
        data["scoring"]["range"] = [0, 30]
        (folder / name).write_text(json.dumps(data))
    else:
        (folder / name).write_text(content or "")
    with pytest.raises(InstrumentFileError, match=message):
        load_instruments(data_copy)
    assert not Instrument.objects.exists()
    assert not MEGroup.objects.exists()


@pytest.mark.django_db
def test_a_bad_reliability_is_refused(data_copy: Path) -> None:
    path = data_copy / "reliability.csv"
    path.write_text(path.read_text().replace("0.89,", "1.89,", 1))
    with pytest.raises(InstrumentFileError, match="reliability in"):
        load_instruments(data_copy)


@pytest.mark.django_db
def test_the_commands_load_and_score(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_instruments")
    call_command("score", "PHQ-9", "--answers", "3,3,0,1,2,0,1,0,1")
    call_command("score", "phq-9", "--answers", "0,0,0,0,0,0,0,0")
    call_command("score", "WHODAS-12", "--total", "30")
    out = capsys.readouterr().out.splitlines()
    assert out[-3:] == ["11 moderate SAFETY:item9", "incomplete: missing item(s) 9", "30 -"]


@pytest.mark.django_db
def test_the_score_command_uses_the_rules_in_force() -> None:
    """Edited bands in the database win over the shipped file."""
    load_instruments()
    phq2 = Instrument.objects.get(code="PHQ-2")
    phq2.definition["bands"][0]["high"] = 3
    phq2.definition["bands"][1]["low"] = 4
    phq2.save()
    from io import StringIO

    out = StringIO()
    call_command("score", "PHQ-2", "--answers", "2,1", stdout=out)
    assert out.getvalue().strip() == "3 negative"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["PHQ-9", "--answers", "3,3,0,1,2,0,1,0,4"],
        ["PHQ-9", "--answers", "0,0,0,0,0,0,0,0,0,0"],
        ["NOPE", "--answers", "1"],
        ["PHQ-9", "--answers", "a,b"],
    ],
)
def test_the_score_command_refuses_bad_input(args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("score", *args)
