from collections import defaultdict

from django.db import migrations


def fill_direct_figures(apps, schema_editor):
    """The rows already reported at the P-code of an oblast, raion, voivodeship or powiat,
    into their area rollups (new rows get them from `rollups.refresh`). Such rows are few."""
    ActivityReport = apps.get_model("reporting", "ActivityReport")
    AreaRollup = apps.get_model("reporting", "AreaRollup")
    Term = apps.get_model("taxonomy", "Term")
    codes = dict(Term.objects.values_list("id", "code"))
    figures = defaultdict(lambda: {"orgs": set(), "acts": defaultdict(set), "reached": 0})
    rows = (
        ActivityReport.objects.filter(area__level__in=(1, 2))
        .order_by()
        .values_list("month", "area_id", "activity_id", "organisation_id", "reached_total")
        .iterator(chunk_size=5000)
    )
    for month, area_id, activity_id, org_id, reached in rows:
        found = figures[(month, area_id)]
        found["orgs"].add(org_id)
        found["acts"][codes.get(activity_id, str(activity_id))].add(org_id)
        found["reached"] += reached or 0
    for (month, area_id), found in figures.items():
        AreaRollup.objects.filter(month=month, area_id=area_id).update(
            direct_orgs=len(found["orgs"]),
            direct_reached=found["reached"],
            direct_activity_orgs=";".join(
                f"{code}={len(orgs)}" for code, orgs in sorted(found["acts"].items())
            ),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_area_rollup_direct_figures"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fill_direct_figures, migrations.RunPython.noop),
    ]
