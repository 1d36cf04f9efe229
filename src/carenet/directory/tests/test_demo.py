import random

from carenet.conftest import People
from carenet.core.demo import DemoContext
from carenet.directory import demo, queries
from carenet.directory.models import SearchEntry, Service, Site


def test_it_builds_sites_and_services_for_every_organisation(
    people: People, located_areas: dict, terms: dict
) -> None:
    ctx = DemoContext(seed=3, scale="small", rng=random.Random(3), log=lambda m: None)
    ctx.organisations = [people.org_a, people.org_b] * 1
    ctx.areas = [located_areas["irpin"], located_areas["lviv"]]
    demo.build(ctx)
    assert {s.organisation_id for s in ctx.shared["sites"]} == {people.org_a.pk, people.org_b.pk}
    assert len(ctx.shared["services"]) == Service.objects.count() >= 6
    assert set(ctx.shared["services_by_org"]) == {people.org_a.pk, people.org_b.pk}
    assert all(s.name_en and s.name_uk and s.name_pl for s in Service.objects.all())
    assert SearchEntry.objects.exists()
    assert Site.objects.filter(confidential=False).exists()
    found = queries.match_services(near=(50.45, 30.52), limit=5)
    assert found and all(m.site is None or not m.site.confidential for m in found)


def test_national_scale_uses_many_sites_per_organisation(
    people: People, located_areas: dict, terms: dict
) -> None:
    ctx = DemoContext(seed=1, scale="national", rng=random.Random(1), log=lambda m: None)
    ctx.organisations = [people.org_a]
    ctx.areas = [located_areas["irpin"], located_areas["lviv"]]
    demo.build(ctx)
    assert 22 <= Site.objects.count() <= 29
    assert 50 <= Service.objects.count() <= 54
    pairs = sum(s.at_locations.count() for s in Service.objects.all())
    assert pairs >= 1.3 * Service.objects.count()
