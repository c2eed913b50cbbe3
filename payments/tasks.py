"""Thin, idempotent Celery wrappers: ids in, one service call."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def execute_payment_run_task(*, run_id: int) -> None:
    from payments.services import execute_payment_run  # avoids a services <-> tasks cycle

    execute_payment_run(run_id=run_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def import_claims_task(*, claim_import_id: int) -> None:
    from payments.claim_services import run_claim_import

    run_claim_import(claim_import_id=claim_import_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def compute_bed_days_task(*, computation_id: int) -> None:
    from payments.bed_day_services import compute_bed_days
    from payments.models import BedDayComputation

    computation = BedDayComputation.objects.get(pk=computation_id)
    compute_bed_days(program_year=computation.program_year, computation_id=computation_id)
