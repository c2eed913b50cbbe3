from django.db import migrations

from programs.qaf.reference_data import seed_rate_years


def seed(apps, schema_editor):
    seed_rate_years(apps.get_model("qaf", "QafRateYear"))


class Migration(migrations.Migration):
    dependencies = [("qaf", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
