"""Index referrals by the time they were sent: the metrics count the days of a date range
outside its whole months from the referrals themselves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_key_rollup_by_month_and_area")]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["sent_at"], name="ref_sent"),
        ),
    ]
