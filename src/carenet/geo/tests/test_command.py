from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from carenet.geo.models import AdminArea


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_areas", *args, stdout=out)
    return out.getvalue()


def test_it_loads_a_country_and_prints_the_counts(db: None) -> None:
    first = run("ukraine")
    second = run("UA")

    assert "hromadas: 1769 (created 1769, updated 0, unchanged 0)" in first
    assert "hromadas: 1769 (created 0, updated 0, unchanged 1769)" in second
    assert "gminas: 2477 (created 2477" in run("poland")
    assert AdminArea.objects.count() == 1935 + 2873


def test_it_loads_settlements_when_asked(db: None) -> None:
    assert "settlements: 29705 (created 29705" in run("ukraine", "--settlements")


def test_an_unknown_country_is_a_clear_error(db: None) -> None:
    with pytest.raises(CommandError, match="Unknown country france: choose ukraine or poland"):
        run("france")
    with pytest.raises(CommandError, match="Ukraine only"):
        run("poland", "--settlements")
    assert AdminArea.objects.count() == 0
