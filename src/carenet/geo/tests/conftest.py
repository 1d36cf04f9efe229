"""The real gazetteers, loaded from the files shipped in geo/data (well under a second)."""

from __future__ import annotations

import pytest

from carenet.geo.loaders import LoadReport, load_poland, load_ukraine


@pytest.fixture
def gazetteer(db: None) -> dict[str, LoadReport]:
    return {"UA": load_ukraine(), "PL": load_poland()}
