from django.db import migrations

from programs.wqip.reference_data import seed_program_years


def seed(apps, schema_editor):
    seed_program_years(apps.get_model("wqip", "ProgramYear"))


class Migration(migrations.Migration):
    dependencies = [("wqip", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
