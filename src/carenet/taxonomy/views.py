"""Code lists: public, read-only pages and JSON (reference data, no personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carenet.taxonomy import queries
from carenet.taxonomy.models import Scheme, Term


@dataclass(frozen=True)
class Row:
    term: Term
    depth: int
    layer: str | None
    is_group: bool
    source_host: str


@dataclass(frozen=True)
class Table:
    scheme: Scheme
    rows: list[Row]
    has_layers: bool


def _table(scheme: Scheme, terms: list[Term]) -> Table:
    rows = []
    tree = any(t.parent_id for t in terms)  # type: ignore[attr-defined]
    for term in terms:
        depth, node = 0, term.parent
        while node is not None and depth < 5:
            depth, node = depth + 1, node.parent
        layer = queries.attribute(term, "layer")
        layer = str(layer) if layer not in (None, "") else None
        host = (urlsplit(term.source_url).hostname or "") if term.source_url else ""
        rows.append(Row(term, depth, layer, tree and depth == 0, host.removeprefix("www.")))
    return Table(scheme, rows, any(r.layer for r in rows))


def _scheme_or_404(code: str, version: str | None) -> Scheme:
    try:
        return queries.scheme_version(code, version or None)
    except queries.UnknownScheme as exc:
        raise Http404(exc.messages[0]) from exc


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every current code list with its terms, evidence marks and sources."""
    grouped = queries.current_terms()
    tables = [_table(s, grouped.get(s.pk, [])) for s in queries.schemes().filter(is_current=True)]
    return render(request, "taxonomy/index.html", {"tables": tables})


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """One code list, in its current version or the `?version=` asked for."""
    scheme = _scheme_or_404(code, request.GET.get("version", "")[:20])
    return render(request, "taxonomy/detail.html", {
        "table": _table(scheme, list(queries.terms_of(scheme))),
        "versions": list(queries.schemes().filter(code=scheme.code)),
    })  # fmt: skip


@require_GET
def scheme_json(request: HttpRequest, code: str) -> JsonResponse:
    """The code list as JSON, labels in every language (`?version=` for an older one)."""
    scheme = _scheme_or_404(code, request.GET.get("version", "")[:20])
    data: dict[str, Any] = {
        "scheme": scheme.code, "version": scheme.version, "is_current": scheme.is_current,
        "name": {"en": scheme.name_en, "uk": scheme.name_uk, "pl": scheme.name_pl},
        "source_url": scheme.source_url,
        "terms": [_term_json(t) for t in queries.terms_of(scheme)],
    }  # fmt: skip
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _term_json(term: Term) -> dict[str, Any]:
    return {
        "code": term.code, "parent": term.parent.code if term.parent else None,
        "label": {"en": term.label_en, "uk": term.label_uk, "pl": term.label_pl},
        "description_en": term.description_en, "attributes": term.attributes,
        "source_url": term.source_url, "verified": term.verified, "sort_order": term.sort_order,
    }  # fmt: skip
