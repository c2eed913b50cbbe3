"""A real Celery worker (subprocess) against Redis: killing it in the middle of a payment run
and restarting it leaves no duplicate and no missing ledger entry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from payments.models import (
    LedgerEntry,
    PaymentRun,
)
from portal.celery import app
from portal.jobs.models import Job
from portal.models import (
    Role,
)
from portal.registry.services import bulk_create_facilities
from programs.wqip.models import (
    OptIn,
    PerDiem,
    ProgramYear,
)
from tests.factories import FacilityFactory, UserFactory, luhn_npi
from tests.programs.wqip.factories import (
    PerDiemExhibitFactory,
    bed_days,
    wqip_run_parameters,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
TASK = "portal.run_job"
WORKER = (
    "import django, os; django.setup();"
    "from portal.celery import app;"
    "app.conf.broker_transport_options = {'visibility_timeout': 2};"
    "app.worker_main(['worker', '-P', 'solo', '-c', '1', '-l', 'warning',"
    " '--without-heartbeat', '--without-gossip', '--without-mingle'])"
)


def start_worker() -> subprocess.Popen:  # type: ignore[type-arg]
    name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "false",
    }
    return subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env)


def wait_for(predicate, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def blocked_backend_pid() -> int | None:
    """The worker's database session while it waits on our lock (mid-run)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def many_payable_facilities():
    ProgramYear.objects.get_or_create(year=2024, defaults={"label": "PY2"})
    exhibit = PerDiemExhibitFactory.create()
    facilities = bulk_create_facilities(
        FacilityFactory.build(npi=luhn_npi(f"17{n:07d}"), hcai_id=f"2069{n:05d}")
        for n in range(300)
    )
    year = ProgramYear.objects.get(year=2024)
    OptIn.objects.bulk_create(
        OptIn(facility=f, program_year=year, status=OptIn.Status.APPROVED) for f in facilities
    )
    PerDiem.objects.bulk_create(
        PerDiem(exhibit=exhibit, facility=f, per_diem=Decimal("20.1250")) for f in facilities
    )
    for index, facility in enumerate(facilities):
        bed_days(facility, 10 + index)
    return facilities


def test_given_worker_killed_mid_run_when_restarted_then_ledger_posted_exactly_once(
    many_payable_facilities,
):
    # given: a run queued on Redis, and a lock that holds the worker mid-transaction
    with app.connection_for_write() as broker:
        # the Redis transport's channel purges; the stubs know only kombu's abstract StdChannel
        broker.default_channel.queue_purge("celery")  # type: ignore[attr-defined]
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    run = PaymentRun.objects.create(  # as request_payment_run leaves it, before the task
        program="wqip",
        program_year=2024,
        kind="interim",
        parameters=wqip_run_parameters(PerDiemExhibitFactory.create()),
        started_by=analyst,
        post_when_computed=True,
    )
    run.job = Job.objects.create(
        kind="payments.payment_run",
        target_type="payments.paymentrun",
        target_id=str(run.pk),
        started_by=analyst,
    )
    run.save(update_fields=["job"])
    blocker = connections.create_connection("default")
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_ptr_id FROM portal_facility"
            " WHERE organisation_ptr_id = %s FOR UPDATE",
            [many_payable_facilities[-1].pk],
        )
    app.send_task(TASK, kwargs={"job_id": run.job.pk})
    worker = start_worker()
    try:
        backend = wait_for(blocked_backend_pid)
        # when: the worker dies in the middle of the run, its session with it
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        blocker.rollback()
        blocker.close()
        assert PaymentRun.objects.get(pk=run.pk).status == PaymentRun.Status.QUEUED
        assert not LedgerEntry.objects.exists()
        # ... and comes back (the unacknowledged task is redelivered), plus a duplicate delivery
        worker = start_worker()
        app.send_task(TASK, kwargs={"job_id": run.job.pk})
        wait_for(
            lambda: PaymentRun.objects.get(pk=run.pk).status == PaymentRun.Status.POSTED,
            timeout=90,
        )
        time.sleep(3)  # let the duplicate delivery run too
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    # then
    entries = LedgerEntry.objects.filter(run=run)
    assert entries.count() == len(many_payable_facilities)
    assert set(entries.values_list("facility_id", flat=True)) == {
        f.pk for f in many_payable_facilities
    }
    expected = sum(
        (Decimal(10 + i) * Decimal("20.1250")).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        for i in range(len(many_payable_facilities))
    )
    assert sum(entries.values_list("amount", flat=True)) == expected
