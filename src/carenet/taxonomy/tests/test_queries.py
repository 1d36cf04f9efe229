"""Reading the code lists: current version, active terms, the 4W layer mapping, errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from carenet.taxonomy import queries
from carenet.taxonomy.models import Scheme, Term


@pytest.mark.parametrize(
    ("code", "layer"),
    [("8.1", "3"), ("10.2", "4"), ("6.1", "1"), ("11.1", None), ("1.2", "2"), ("9.3", "3"),
     ("7", "3"), ("11", None)],
)  # fmt: skip
def test_it_maps_4w_codes_to_their_usual_layer(taxonomies: None, code: str, layer: str) -> None:
    assert queries.layer_of_4w(code) == layer


def test_assessments_count_no_people(taxonomies: None) -> None:
    assert queries.counts_people("11.1") is False
    assert queries.counts_people("8.1") is True
    assert queries.term("iasc-4w", "11.1").attributes["counts_people"] is False


def test_a_subcode_without_a_layer_inherits_its_parents(taxonomies: None) -> None:
    scheme = Scheme.objects.get(code="iasc-4w")
    term = Term.objects.create(scheme=scheme, code="10.3", parent=scheme.terms.get(code="10"),
                               label_en="Added later", attributes={})  # fmt: skip
    assert queries.layer_of_4w("10.3") == "4"
    assert queries.layer_of_4w(term) == "4"
    assert queries.counts_people(term) is True


def test_the_layer_mapping_is_data(taxonomies: None) -> None:
    Term.objects.filter(scheme__code="iasc-4w", code="7.1").update(attributes={"layer": "2"})
    assert queries.layer_of_4w("7.1") == "2"


def test_an_unknown_code_names_the_code_and_the_list(taxonomies: None) -> None:
    with pytest.raises(queries.UnknownCode) as caught:
        queries.term("iasc-4w", "99.9")
    assert isinstance(caught.value, ValidationError)
    assert caught.value.code == "unknown_code"
    assert caught.value.messages == ["Unknown code “99.9” in the list “iasc-4w”."]
    assert (caught.value.scheme_code, caught.value.term_code) == ("iasc-4w", "99.9")
    with pytest.raises(queries.UnknownCode):
        queries.layer_of_4w("12")


def test_the_unknown_code_message_is_in_ukrainian_when_active(taxonomies: None) -> None:
    with translation.override("uk"), pytest.raises(queries.UnknownCode) as caught:
        queries.term("sector", "space")
    assert caught.value.messages == ["Невідомий код «space» у довіднику «sector»."]  # noqa: RUF001
    with translation.override("pl"), pytest.raises(queries.UnknownCode) as caught:
        queries.term("sector", "space")
    assert caught.value.messages == ["Nieznany kod „space” na liście „sector”."]


def test_terms_are_ordered_and_only_active_current_ones(taxonomies: None) -> None:
    codes = [t.code for t in queries.terms("pyramid-layer")]
    assert codes == ["1", "2", "3", "4"]
    Term.objects.filter(scheme__code="pyramid-layer", code="2").update(is_active=False)
    assert [t.code for t in queries.terms("pyramid-layer")] == ["1", "3", "4"]
    with pytest.raises(queries.UnknownCode):
        queries.term("pyramid-layer", "2")
    Scheme.objects.filter(code="pyramid-layer").update(is_current=False)
    assert not queries.terms("pyramid-layer").exists()


def test_4w_codes_come_in_manual_order(taxonomies: None) -> None:
    codes = list(queries.terms_by_code("iasc-4w"))
    assert codes[:4] == ["1", "1.1", "1.2", "2"]
    assert codes.index("9.3") < codes.index("10") < codes.index("10.1")


def test_terms_by_code_takes_one_query(taxonomies: None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        found = queries.terms_by_code("iasc-4w")
        parents = {t.parent.code for t in found.values() if t.parent}
    assert len(ctx.captured_queries) == 1
    assert len(found) == 30 and "8" in parents


def test_choices_follow_the_active_language(taxonomies: None) -> None:
    assert ("pfa", "Psychological First Aid (PFA)") in queries.choices("intervention")
    with translation.override("uk"):
        assert ("pfa", "Психологічна перша допомога (ППД)") in queries.choices("intervention")
        assert ("uk", "Українська") in queries.choices("language")
    with translation.override("pl"):
        assert ("pfa", "Pierwsza pomoc psychologiczna (PFA)") in queries.choices("intervention")
        assert ("uk", "ukraiński") in queries.choices("language")


def test_the_codes_other_apps_rely_on_exist(taxonomies: None) -> None:
    assert set(queries.terms_by_code("sector")) == {
        "health",
        "education",
        "social-protection",
        "protection",
        "community",
        "livelihoods",
    }
    assert set(queries.terms_by_code("delivery-mode")) == {"in-person", "phone", "online",
                                                           "mobile"}  # fmt: skip
    assert {"veterans", "children", "adolescents"} <= set(queries.terms_by_code("target-group"))
    assert {"pfa", "shplus", "pmplus", "cbt", "mbm", "mhgap"} <= set(
        queries.terms_by_code("intervention")
    )
    assert queries.term("intervention", "pfa").attributes["4w"] == ["7.1"]
    assert {"uk", "pl", "en", "ru", "crh", "ukl", "pso"} <= set(queries.terms_by_code("language"))


def test_an_unknown_scheme_is_an_error(taxonomies: None) -> None:
    with pytest.raises(queries.UnknownScheme, match="nothing"):
        queries.scheme_version("nothing")
    with pytest.raises(queries.UnknownScheme):
        queries.scheme_version("sector", "1999")
    assert queries.scheme_version("sector").version == "carenet-1"
    assert queries.current_scheme("nothing") is None
