"""Provider organisations of several kinds: every SNF becomes an Organisation of kind "snf" and
its Facility row a multi-table child with the same primary key, so every reference to a facility
keeps its id; memberships belong to organisations. It cannot be unapplied (restore a backup).

The facility table keeps its rows: its ``id`` column becomes ``organisation_ptr_id`` (a rename,
so every foreign key to it follows), and the columns every organisation has move to the new
table."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ModelState

import portal.registry.models


class SetFacilityBases(Operation):
    """Facility's historical model inherits from Organisation from here on (the migration
    framework has no operation that changes a model's bases)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, bases: tuple[str, ...]) -> None:
        self.bases = bases

    def state_forwards(self, app_label, state):
        old: ModelState = state.models[app_label, "facility"]
        state.models[app_label, "facility"] = ModelState(
            app_label, old.name, list(old.fields.items()), dict(old.options), self.bases,
            list(old.managers),
        )
        state.reload_model(app_label, "facility", delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Facility inherits from {', '.join(self.bases)}"


MOVED = ("npi", "name", "county", "email", "phone", "address", "created_at", "updated_at")

FORWARD_SQL = [
    """
    INSERT INTO portal_organisation
        (id, kind, npi, tin, name, county, email, phone, address, is_active, created_at, updated_at)
    SELECT id, 'snf', npi, '', name, county, email, phone, address, true, created_at, updated_at
    FROM portal_facility
    """,
    """
    SELECT setval(pg_get_serial_sequence('portal_organisation', 'id'),
                  COALESCE((SELECT max(id) FROM portal_organisation), 1),
                  (SELECT count(*) > 0 FROM portal_organisation))
    """,
    "ALTER TABLE portal_facility ALTER COLUMN id DROP IDENTITY IF EXISTS",
    "ALTER TABLE portal_facility RENAME COLUMN id TO organisation_ptr_id",
    """
    ALTER TABLE portal_facility ADD CONSTRAINT portal_facility_organisation_ptr_id_fk
        FOREIGN KEY (organisation_ptr_id) REFERENCES portal_organisation (id)
        DEFERRABLE INITIALLY DEFERRED
    """,
    "ALTER TABLE portal_facility " + ", ".join(f"DROP COLUMN {c}" for c in MOVED),
]


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_seed_state_holidays"),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("snf", "Skilled nursing facility"), ("ecm_provider", "ECM provider")], db_index=True, max_length=20)),
                ("npi", models.CharField(max_length=10, unique=True, validators=[portal.registry.models.validate_npi], verbose_name="NPI")),
                ("tin", models.CharField(blank=True, max_length=9, validators=[portal.registry.models.validate_tin], verbose_name="TIN")),
                ("name", models.CharField(max_length=200)),
                ("county", models.CharField(blank=True, max_length=60)),
                ("email", models.EmailField(blank=True, max_length=254)),
                ("phone", models.CharField(blank=True, max_length=30)),
                ("address", models.CharField(blank=True, max_length=250)),
                ("is_active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD_SQL)],
            state_operations=[
                migrations.AddField(
                    model_name="facility",
                    name="organisation_ptr",
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, related_name="facility", serialize=False, to="portal.organisation"),
                    preserve_default=False,
                ),
                migrations.RemoveField(model_name="facility", name="id"),
                *[migrations.RemoveField(model_name="facility", name=name) for name in MOVED],
                SetFacilityBases(("portal.organisation",)),
            ],
        ),
        migrations.RenameModel(old_name="FacilityMembership", new_name="OrganisationMembership"),
        migrations.RemoveConstraint(model_name="organisationmembership", name="uniq_membership"),
        migrations.RenameField(model_name="organisationmembership", old_name="facility", new_name="organisation"),
        migrations.AlterField(
            model_name="organisationmembership",
            name="organisation",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="portal.organisation"),
        ),
        migrations.AddConstraint(
            model_name="organisationmembership",
            constraint=models.UniqueConstraint(fields=("user", "organisation"), name="uniq_membership"),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(choices=[("facility_staff", "Facility staff"), ("facility_admin", "Facility administrator"), ("ltss_liaison", "LTSS liaison"), ("finance_analyst", "Finance analyst"), ("finance_approver", "Finance approver"), ("program_admin", "Program administrator"), ("ecm_provider_staff", "ECM provider staff"), ("ecm_provider_admin", "ECM provider administrator"), ("ecm_program_manager", "ECM program manager")], default="facility_staff", max_length=32),
        ),
    ]
