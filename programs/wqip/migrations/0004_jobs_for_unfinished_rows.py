"""Claims imports and bed-day computations left queued or running before jobs existed get a
job row, so that recovery (portal.recover_jobs) finishes them instead of leaving them
"running" for ever."""

from django.db import migrations


def give_unfinished_rows_a_job(apps, schema_editor):
    Job = apps.get_model("portal", "Job")
    ClaimImport = apps.get_model("wqip", "ClaimImport")
    BedDayComputation = apps.get_model("wqip", "BedDayComputation")
    for claim_import in ClaimImport.objects.filter(
        job__isnull=True, status__in=["queued", "running"]
    ):
        claim_import.job = Job.objects.create(
            kind="wqip.claims_import",
            target_type="wqip.claimimport",
            target_id=str(claim_import.pk),
            label=f"Claims import {claim_import.original_name}"[:250],
            started_by_id=claim_import.uploaded_by_id,
            attempts=1 if claim_import.status == "running" else 0,
            status=claim_import.status,
            enqueued_at=claim_import.created_at,
        )
        claim_import.save(update_fields=["job"])
    for computation in BedDayComputation.objects.filter(job__isnull=True, status="running"):
        computation.job = Job.objects.create(
            kind="wqip.bed_days",
            target_type="wqip.beddaycomputation",
            target_id=str(computation.pk),
            label=f"Bed days {computation.program_year}",
            started_by_id=computation.started_by_id,
            status="queued",
            enqueued_at=computation.started_at,
        )
        computation.save(update_fields=["job"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_job"),
        ("wqip", "0003_job"),
    ]

    operations = [migrations.RunPython(give_unfinished_rows_a_job, migrations.RunPython.noop)]
