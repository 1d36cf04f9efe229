from django.db import migrations


def date_needs_and_map_donors(apps, schema_editor):
    """Date the needs figures already imported by the day they were uploaded, load the donor
    code list and point every 4W row at the donor its free text names."""
    from carenet.reporting import donors

    NeedsFigure = apps.get_model("reporting", "NeedsFigure")
    for figure in NeedsFigure.objects.only("id", "created_at").iterator(chunk_size=2000):
        NeedsFigure.objects.filter(pk=figure.pk).update(as_of=figure.created_at.date())
    donors.load(
        donor_model=apps.get_model("reporting", "Donor"),
        row_model=apps.get_model("reporting", "ActivityReport"),
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_add_donors_and_dated_needs")]

    operations = [migrations.RunPython(date_needs_and_map_donors, migrations.RunPython.noop)]
