from django.db import migrations

from portal.reference_data import seed_program_years


def seed(apps, schema_editor):
    seed_program_years(apps.get_model("portal", "ProgramYear"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
