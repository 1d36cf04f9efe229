"""Superusers edit the code lists in the admin and add versions; nobody else may."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from carenet.conftest import People, client_for
from carenet.core.models import AuditEntry
from carenet.taxonomy import queries, services
from carenet.taxonomy.models import Scheme, Term


def test_only_superusers_reach_the_code_list_admin(taxonomies: None, people: People) -> None:
    people.org_admin.is_staff = True
    people.org_admin.save()
    scheme = Scheme.objects.get(code="sector")
    urls = ["/admin/taxonomy/scheme/", f"/admin/taxonomy/scheme/{scheme.pk}/change/",
            "/admin/taxonomy/term/"]  # fmt: skip
    for url in urls:
        assert client_for(people.superuser).get(url).status_code == 200, url
        assert client_for(people.org_admin).get(url).status_code in (302, 403), url
        assert client_for(None).get(url).status_code == 302, url


def test_a_superuser_edits_a_label_and_it_is_audited(taxonomies: None, people: People) -> None:
    term = Term.objects.get(scheme__code="sector", code="health")
    response = client_for(people.superuser).post(f"/admin/taxonomy/term/{term.pk}/change/", {
        "scheme": term.scheme_id, "code": "health", "label_en": "Health care",
        "label_uk": term.label_uk, "label_pl": term.label_pl, "attributes": "{}",
        "initial-attributes": "{}",
        "sort_order": 10, "is_active": "on", "verified": "on",
    })  # fmt: skip
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.label_en == "Health care"
    entry = AuditEntry.objects.get(object_type="taxonomy.term", object_id=str(term.pk))
    assert entry.changes == ["Label (English)"]


def test_the_admin_copies_a_scheme_as_a_new_version(taxonomies: None, people: People) -> None:
    scheme = Scheme.objects.get(code="iasc-4w")
    client = client_for(people.superuser)
    data = {"action": "new_version", "_selected_action": [scheme.pk]}
    form = client.post("/admin/taxonomy/scheme/", data)
    assert form.status_code == 200 and b"New version" in form.content
    client.post("/admin/taxonomy/scheme/", {**data, "apply": "1", "version": "2024-draft"})
    copy = Scheme.objects.get(code="iasc-4w", version="2024-draft")
    assert not copy.is_current and copy.terms.count() == 30
    assert copy.terms.get(code="8.1").parent == copy.terms.get(code="8")
    assert queries.term("iasc-4w", "8.1").scheme == scheme  # the old one is still current


def test_making_a_version_current_retires_the_others(taxonomies: None, people: People) -> None:
    old = Scheme.objects.get(code="iasc-4w")
    copy = services.scheme_new_version(actor=people.superuser, scheme=old, version="2024")
    client_for(people.superuser).post(f"/admin/taxonomy/scheme/{copy.pk}/change/", {
        "code": "iasc-4w", "version": "2024", "name_en": copy.name_en, "name_uk": copy.name_uk,
        "name_pl": copy.name_pl, "source_url": "", "is_current": "on",
        "terms-TOTAL_FORMS": 0, "terms-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert list(Scheme.objects.filter(code="iasc-4w", is_current=True)) == [copy]
    assert queries.term("iasc-4w", "8.1").scheme == copy
    assert queries.layer_of_4w("10.2") == "4"


def test_a_version_name_must_be_new(taxonomies: None) -> None:
    scheme = Scheme.objects.get(code="sector")
    with pytest.raises(ValidationError, match="already has a version carenet-1"):
        services.scheme_new_version(actor=None, scheme=scheme, version="carenet-1")
    with pytest.raises(ValidationError):
        services.scheme_new_version(actor=None, scheme=scheme, version="  ")
