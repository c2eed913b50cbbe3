from django.db import migrations

# PY1 (2023) through 2028: second-level dispute clocks on the PY4 final exhibit run into 2028.
# Later years: `manage.py seed_holidays --year YYYY`.
SEED_YEARS = range(2023, 2029)


def seed(apps, schema_editor):
    from portal.dates import state_holidays

    Holiday = apps.get_model("portal", "Holiday")
    for year in SEED_YEARS:
        for day, name in state_holidays(year=year):
            Holiday.objects.get_or_create(date=day, defaults={"name": name, "source": "state"})


def unseed(apps, schema_editor):
    apps.get_model("portal", "Holiday").objects.filter(source="state").delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_holiday")]
    operations = [migrations.RunPython(seed, unseed)]
