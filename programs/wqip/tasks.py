"""Thin, idempotent Celery wrappers of WQIP jobs: ids in, one service call."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def import_claims_task(*, claim_import_id: int) -> None:
    from programs.wqip.services.claims_import import run_claim_import

    run_claim_import(claim_import_id=claim_import_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def compute_bed_days_task(*, computation_id: int) -> None:
    from programs.wqip.models import BedDayComputation
    from programs.wqip.services.bed_days import compute_bed_days

    computation = BedDayComputation.objects.get(pk=computation_id)
    compute_bed_days(program_year=computation.program_year, computation_id=computation_id)
