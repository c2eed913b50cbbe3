"""Permission-matrix rows for the payments pages (runs, ledger, facility payments, statements,
uploads). Roles, in order: anonymous, facility_staff, facility_admin, other_facility_staff,
ltss_liaison, finance_analyst, finance_approver, program_admin.

``world`` is the matrix framework's fixture; these rows only need ``world.facility``: the
facility that facility_staff and facility_admin belong to (other_facility_staff does not).
Objects a URL needs (a draft run started by someone else, a posted run with a payment line for
that facility) are made on the spot.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from tests.programs.wqip.factories import wqip_run_parameters


def _facility(world: Any):  # type: ignore[no-untyped-def]
    return world.facility


def _run(world: Any, *, posted: bool):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from payments.models import (
        PaymentLine,
        PaymentRun,
    )
    from portal.models import Role, User
    from programs.wqip.models import PerDiemExhibit

    exhibit, _ = PerDiemExhibit.objects.get_or_create(
        program_year=2024,
        kind="interim",
        defaults={"received_on": datetime.date(2025, 5, 12), "imported_at": timezone.now()},
    )
    starter, _ = User.objects.get_or_create(
        email="matrix-run-starter@example.test", defaults={"role": Role.FINANCE_ANALYST}
    )
    now = timezone.now()
    run = PaymentRun.objects.create(
        program="wqip",
        program_year=2024,
        kind="interim",
        parameters=wqip_run_parameters(exhibit),
        status=PaymentRun.Status.POSTED if posted else PaymentRun.Status.DRAFT,
        started_by=starter,
        computed_at=now,
        posted_at=now if posted else None,
        approved_at=now if posted else None,
        inputs_digest=f"matrix-{now.timestamp()}-{posted}",
    )
    line = PaymentLine.objects.create(
        run=run,
        facility=_facility(world),
        status="payable",
        details={
            "computed_bed_days": 10,
            "adjustment_days": 0,
            "qualifying_bed_days": 10,
            "per_diem": "20.0000",
            "citation_class": "NONE",
            "class_a_count": 0,
            "factor": "1.00",
        },
        gross_amount=Decimal("200.00"),
        previously_paid=Decimal("0.00"),
        net_amount=Decimal("200.00"),
        due_date=datetime.date(2025, 6, 26),
    )
    return run, line


def _draft_url(name: str, *extra: str):  # type: ignore[no-untyped-def]
    return lambda world: reverse(name, args=[_run(world, posted=False)[0].pk, *extra])


def _statement_url(name: str):  # type: ignore[no-untyped-def]
    return lambda world: reverse(name, args=[_run(world, posted=True)[1].pk])


FINANCE_ONLY = (302, 403, 403, 403, 403, 200, 200, 200)
APPROVER_ONLY = (302, 403, 403, 403, 403, 403, 200, 403)
OWN_FACILITY = (302, 200, 200, 404, 200, 200, 200, 200)
ANY_SIGNED_IN = (302, 200, 200, 200, 200, 200, 200, 200)

CASES = {
    "payments:run_list": (lambda world: reverse("payments:run_list"), FINANCE_ONLY),
    "payments:run_start": (lambda world: reverse("payments:run_start"), FINANCE_ONLY),
    "payments:run_detail": (_draft_url("payments:run_detail"), FINANCE_ONLY),
    "payments:run_export": (_draft_url("payments:run_export", "csv"), FINANCE_ONLY),
    "payments:run_approve": (_draft_url("payments:run_approve"), APPROVER_ONLY),
    "payments:ledger": (lambda world: reverse("payments:ledger"), ANY_SIGNED_IN),
    "payments:facility_payments": (
        lambda world: reverse("payments:facility_payments", args=[_facility(world).npi]),
        OWN_FACILITY,
    ),
    "payments:statement_pdf": (_statement_url("payments:statement_pdf"), OWN_FACILITY),
    "payments:statement_csv": (_statement_url("payments:statement_csv"), OWN_FACILITY),
    "wqip:upload_per_diems": (lambda world: reverse("wqip:upload_per_diems"), FINANCE_ONLY),
    "wqip:upload_citations": (lambda world: reverse("wqip:upload_citations"), FINANCE_ONLY),
    "wqip:upload_opt_ins": (lambda world: reverse("wqip:upload_opt_ins"), FINANCE_ONLY),
}

# the same URL names with other path values, walked by tests/security/test_hostile_input.py
WALK_VARIANTS = {"payments:run_export": (_draft_url("payments:run_export", "xlsx"),)}
