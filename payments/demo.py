"""Demo data of the payments app for ``make run``: the worked-example claims, citations and
per-diem exhibits of program year 2024, bed days computed, the interim run posted and the
final run left as a draft for the demo approver. Idempotent: runs only on an empty claims
table."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TextIO

from payments.bed_day_services import compute_bed_days
from payments.claim_services import import_claims
from payments.models import Claim
from payments.services import (
    import_citations,
    import_per_diems,
    run_payments,
    start_payment_run,
)
from portal.models import User

DEMO_DATA_DIR = Path(__file__).parent / "demo_data"
DEMO_YEAR = 2024


def load_payments_demo_data(*, stdout: TextIO | None = None) -> str:
    if Claim.objects.exists():
        summary = "payments demo data: already loaded"
    else:
        analyst = User.objects.filter(email="analyst@plan.demo").first()
        import_claims(path=DEMO_DATA_DIR / "claims.csv", actor=analyst)
        import_citations(path=DEMO_DATA_DIR / "citations.csv", actor=analyst)
        import_per_diems(
            path=DEMO_DATA_DIR / "per_diems_interim_2024.csv",
            program_year=DEMO_YEAR,
            kind="interim",
            received_on=datetime.date(2025, 5, 12),
            actor=analyst,
        )
        compute_bed_days(program_year=DEMO_YEAR, actor=analyst)
        interim = run_payments(program_year=DEMO_YEAR, exhibit_kind="interim")
        import_citations(path=DEMO_DATA_DIR / "citations_update.csv", actor=analyst)
        import_per_diems(
            path=DEMO_DATA_DIR / "per_diems_final_2024.csv",
            program_year=DEMO_YEAR,
            kind="final",
            received_on=datetime.date(2025, 12, 29),
            actor=analyst,
        )
        final = start_payment_run(program_year=DEMO_YEAR, exhibit_kind="final", started_by=analyst)
        summary = (
            f"payments demo data: {Claim.objects.count()} claims; interim run posted "
            f"({interim}); final run #{final.pk} is a draft awaiting approval"
        )
    if stdout is not None:
        stdout.write(summary + "\n")
    return summary
