from django.db import migrations

from portal.reference_data import seed_state_holidays


def seed(apps, schema_editor):
    seed_state_holidays(apps.get_model("portal", "Holiday"))


def unseed(apps, schema_editor):
    apps.get_model("portal", "Holiday").objects.filter(source="state").delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
