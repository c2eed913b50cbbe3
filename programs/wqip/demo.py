"""WQIP demo data for ``make run``: the worked-example claims, citations and
per-diem exhibits of program year 2024, bed days computed, the interim run posted and the
final run left as a draft for the demo approver. Idempotent: runs only on an empty claims
table."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TextIO

from portal.demo import DEMO_FACILITY_NPIS
from portal.models import User
from programs.wqip.models import Claim, OptIn
from programs.wqip.services.bed_days import compute_bed_days
from programs.wqip.services.citations import import_citations
from programs.wqip.services.claims_import import import_claims
from programs.wqip.services.opt_in_import import import_opt_ins
from programs.wqip.services.payments import run_payments, start_payment_run
from programs.wqip.services.per_diems import import_per_diems

DEMO_DATA_DIR = Path(__file__).parent / "demo_data"
DEMO_YEAR = 2024


def load_opt_in_demo_data() -> str:
    """The demo facilities' opt-ins (2024 approved, 2026 in every state)."""
    if OptIn.objects.filter(facility__npi__in=DEMO_FACILITY_NPIS).exists():
        return "already loaded"
    first = import_opt_ins(path=DEMO_DATA_DIR / "opt_ins.csv")
    second = import_opt_ins(path=DEMO_DATA_DIR / "opt_ins_2026.csv")
    return f"{first.created + second.created} created"


def load_wqip_demo_data(*, stdout: TextIO | None = None) -> str:
    opt_ins = load_opt_in_demo_data()
    if stdout is not None:
        stdout.write(f"WQIP demo data: opt-ins {opt_ins}\n")
    if Claim.objects.exists():
        summary = "WQIP demo data: already loaded"
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
            f"WQIP demo data: {Claim.objects.count()} claims; interim run posted "
            f"({interim}); final run #{final.pk} is a draft awaiting approval"
        )
    if stdout is not None:
        stdout.write(summary + "\n")
    return summary
