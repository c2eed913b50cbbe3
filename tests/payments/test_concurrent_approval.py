"""Two approvers at once, in two real transactions: the run is posted once."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from payments.models import (
    LedgerEntry,
    PaymentRun,
)
from payments.services import (
    AlreadyPosted,
    approve_payment_run,
)
from portal.models import Role
from programs.wqip.models import (
    OptIn,
    PerDiem,
    ProgramYear,
)
from programs.wqip.services.payments import start_payment_run
from tests.factories import FacilityFactory, OptInFactory, UserFactory
from tests.programs.wqip.factories import (
    PerDiemExhibitFactory,
    bed_days,
)


def concurrently(*calls):  # type: ignore[no-untyped-def]
    """Run each call in its own thread (own connection, own transaction), started together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def worker(index, call):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_given_draft_when_two_approvers_approve_at_once_then_posted_once():
    # given (an earlier transactional test may have flushed the seeded program years)
    ProgramYear.objects.get_or_create(year=2024, defaults={"label": "PY2"})
    exhibit = PerDiemExhibitFactory.create()
    facilities = [FacilityFactory.create() for _ in range(3)]
    for facility in facilities:
        OptInFactory.create(facility=facility, status=OptIn.Status.APPROVED)
        bed_days(facility, 10)
        PerDiem.objects.create(exhibit=exhibit, facility=facility, per_diem=Decimal("10"))
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    first, second = (UserFactory.create(role=Role.FINANCE_APPROVER) for _ in range(2))
    run = start_payment_run(program_year=2024, exhibit_kind="interim", started_by=analyst)
    # when
    outcomes = concurrently(
        lambda: approve_payment_run(run=run, approver=first),
        lambda: approve_payment_run(run=run, approver=second),
    )
    # then
    assert sum(isinstance(o, PaymentRun) for o in outcomes) == 1
    assert sum(isinstance(o, AlreadyPosted) for o in outcomes) == 1
    assert LedgerEntry.objects.filter(run=run).count() == 3
    assert PaymentRun.objects.get(pk=run.pk).status == PaymentRun.Status.POSTED
