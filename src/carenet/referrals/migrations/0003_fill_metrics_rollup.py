"""Fill the pathway metrics rollup from the referrals already recorded."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from carenet.referrals import rollup

    rollup.rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_add_erasure_and_metrics_rollup")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
