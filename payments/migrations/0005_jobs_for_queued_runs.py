"""Payment runs left queued before jobs existed get a job row, so that recovery
(portal.recover_jobs) computes them, or fails them so a new run can be started."""

from django.db import migrations


def give_queued_runs_a_job(apps, schema_editor):
    Job = apps.get_model("portal", "Job")
    PaymentRun = apps.get_model("payments", "PaymentRun")
    for run in PaymentRun.objects.filter(job__isnull=True, status="queued"):
        run.job = Job.objects.create(
            kind="payments.payment_run",
            target_type="payments.paymentrun",
            target_id=str(run.pk),
            label=f"Payment run {run.program_year} {run.kind}",
            started_by_id=run.started_by_id,
            status="queued",
            enqueued_at=run.created_at,
        )
        run.save(update_fields=["job"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_job"),
        ("payments", "0004_paymentrun_job"),
    ]

    operations = [migrations.RunPython(give_queued_runs_a_job, migrations.RunPython.noop)]
