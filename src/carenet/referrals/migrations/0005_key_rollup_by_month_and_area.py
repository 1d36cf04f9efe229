"""Key the pathway metrics rollup by month and by the person's own area as well, and refill
it: date ranges in whole months and coordinators of an area below an oblast read cells too."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    from carenet.referrals import rollup

    rollup.rebuild(apps=apps)


def leave_room(apps: Any, schema_editor: Any) -> None:
    """On PostgreSQL, fill the cells' pages to 80 %: a step updates its cells in place, and a
    new row version that fits on the same page needs no new index entries (unless `sent`
    changes). Set before the cells are written again."""
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("referrals", "PathwayCell")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = 80)")


def fill_every_page(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("referrals", "PathwayCell")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0004_add_cell_medians")]

    operations = [
        migrations.RemoveConstraint(model_name="pathwaycell", name="ref_cell_key"),
        migrations.RemoveIndex(model_name="pathwaycell", name="ref_cell_top"),
        migrations.AddField(
            model_name="pathwaycell",
            name="month",
            field=models.CharField(blank=True, default="", max_length=7),
        ),
        migrations.RunPython(leave_room, fill_every_page),
        # Filled before the index and the key are built (faster than keeping them up to date).
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="pathwaycell",
            index=models.Index(fields=["scope", "grouping", "month", "-sent"], name="ref_cell_top"),
        ),
        migrations.AddConstraint(
            model_name="pathwaycell",
            constraint=models.UniqueConstraint(
                fields=("scope", "grouping", "origin", "target", "month"), name="ref_cell_key"
            ),
        ),
    ]
