"""Fill the pathway metrics rollup from the referrals already recorded.

Nothing to do here any more: 0005 (which keys the cells by month and area too) rebuilds the
whole rollup with the code of today, which needs the columns that migration adds.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_add_erasure_and_metrics_rollup")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
