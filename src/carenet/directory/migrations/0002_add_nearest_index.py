"""On PostgreSQL, "nearest first" reads a GiST index of the entries' points on the unit sphere.

`queries.UnitVector` writes the same expression, so `ORDER BY <it> <-> <point>` walks the
index nearest first and stops at the LIMIT. The index carries every column that search
filters and returns (except the free text), so the walk reads the index alone: a
referral's filters may skip thousands of close entries before enough fit.
"""

from django.db import migrations

_POINT = (
    "cube(ARRAY[cos(radians(lat)) * cos(radians(lon)), "
    "cos(radians(lat)) * sin(radians(lon)), sin(radians(lat))])"
)
_CARRIED = (
    "id, service_id, site_id, lat, lon, waiting_days, area_path, organisation_id, layer, "
    "activities, interventions, languages, target_groups, delivery_modes, age_min, age_max, "
    'sex, free, "full"'
)


def _nearest_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS cube")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS dir_search_nearest ON directory_searchentry "
        f"USING gist (({_POINT})) INCLUDE ({_CARRIED}) WHERE lat IS NOT NULL"
    )


def _drop_nearest_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS dir_search_nearest")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_add_sites_services_and_search")]

    operations = [migrations.RunPython(_nearest_index, _drop_nearest_index)]
