"""Thin, idempotent Celery wrappers: ids in, one service call."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def execute_payment_run_task(*, run_id: int) -> None:
    from payments.services import execute_payment_run  # avoids a services <-> tasks cycle

    execute_payment_run(run_id=run_id)
