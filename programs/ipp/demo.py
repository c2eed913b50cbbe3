"""IPP demo data for ``make run``: the plan's PY1-PY3 with their submissions and a measure
catalogue (loaded through the CSV importer), DHCS's PY1 results with the guide's illustration
(Submission 2-A: 850 of 1,000 points of $10 M; Payment 1: $4 M interim, $3.2 M earned, $0.8 M
netted from Payment 2), one corrective action plan, a published Needs Assessment and
Gap-Filling Plan, a stakeholder comment and two provider applications (a SNF's and an ECM
provider's). Idempotent: runs only while there is no IPP program year."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from payments.models import StateTransfer
from portal.demo import DEMO_ECM_NPIS, DEMO_FACILITY_NPIS
from portal.models import Organisation, User
from programs.ipp.models import (
    IppCap,
    IppCapItem,
    IppFeedback,
    IppMeasure,
    IppProgramYear,
    IppSubmission,
)
from programs.ipp.services.applications import submit_application
from programs.ipp.services.catalogue import import_catalogue, record_result, set_py1_split
from programs.ipp.services.funds import approve_funds_transfer, record_funds_entry
from programs.ipp.services.public import address_hash, publish_document

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

YEARS = (
    (1, "PY1 (CY2022)", datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), D("300000000")),
    (2, "PY2 (CY2023)", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), D("320000000")),
    (3, "PY3 (Jan-Jun 2024)", datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), None),
)
# (year, code, payment, allocation, interim, due)
SUBMISSIONS = (
    (1, "1", 1, "4000000", True, datetime.date(2022, 1, 31)),
    (1, "2-A", 2, "10000000", False, datetime.date(2022, 9, 30)),
    (2, "3", 3, "6000000", False, datetime.date(2023, 3, 31)),
    (2, "4", 4, "6000000", False, datetime.date(2023, 9, 30)),
    (3, "5", 5, "5000000", False, datetime.date(2024, 3, 31)),
)
CATALOGUE = (
    (
        "program_year,submission,measure,priority_area,domain,name,mandatory,kind,points,tiers,"
        "applicable,plan_class\n"
    )
    + """1,1,1A-1,1,1A,Closed-loop referral system in place,yes,p4r,200,,yes,
1,1,2A-1,2,2A,ECM provider network oversight,yes,p4r,200,,yes,
1,1,3A-1,3,3A,Community Supports offered,yes,p4p,400,Full:400;Half:200,yes,
1,1,4A-1,4,4A,Baseline data reported,no,p4r,200,,yes,
1,2-A,1A-2,1,1A,Data exchange with ECM providers,yes,p4r,200,,yes,
1,2-A,2B-1,2,2B,Care staff hired and trained,yes,p4p,200,,yes,
1,2-A,3B-1,3,3B,Community Supports network grown,yes,p4p,450,Full:450;Most:300;Some:150,yes,
1,2-A,4A-2,4,4A,Disparities baseline,no,p4r,150,,yes,
1,2-A,3C-9,3,3C,Housing deposits workflow,no,p4r,100,,no,
2,3,1A-3,1,1A,Billing support for providers,yes,p4r,300,,yes,
2,3,4B-1,4,4B,ECM take-up of the homeless population,yes,p4p,300,,yes,
2,4,4C-1,4,4C,Cross-plan data sharing,yes,p4r,200,,yes,incumbent_no_change
3,5,4B-2,4,4B,Community Supports utilisation,yes,p4p,400,,yes,incumbent_no_change
"""
)
# PY1 results: Submission 1 earns 800 of 1,000 ($3.2 M of $4 M); 2-A 850 of 1,000 ($8.5 M)
RESULTS = {
    ("1", "1A-1"): {"met": True},
    ("1", "2A-1"): {"met": True},
    ("1", "3A-1"): {"tier": "Half"},
    ("1", "4A-1"): {"met": True},
    ("2-A", "1A-2"): {"met": True},
    ("2-A", "2B-1"): {"met": True},
    ("2-A", "3B-1"): {"tier": "Most"},
    ("2-A", "4A-2"): {"met": True},
}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def load_ipp_demo_data(*, stdout: TextIO | None = None) -> str:
    if IppProgramYear.objects.exists():
        return "IPP demo data: already loaded"
    admin = User.objects.filter(email="programadmin@plan.demo").first()
    analyst = User.objects.filter(email="analyst@plan.demo").first()
    approver = User.objects.filter(email="approver@plan.demo").first()
    if admin is None or analyst is None or approver is None:
        return "IPP demo data: no demo plan users"
    years = {}
    for number, label, starts, ends, capitation in YEARS:
        years[number] = IppProgramYear.objects.create(
            number=number,
            label=label,
            starts_on=starts,
            ends_on=ends,
            attributable_capitation=capitation,
            plan_class="" if number == 1 else "incumbent_no_change",
        )
    set_py1_split(
        program_year=years[1],
        shares={1: D("20"), 2: D("20"), 3: D("40"), 4: D("20")},
        gap_filling_areas=[3, 4],
        has_community_supports=True,
        actor=admin,
    )
    submissions = {}
    for number, code, payment, allocation, interim, due in SUBMISSIONS:
        submissions[code] = IppSubmission.objects.create(
            program_year=years[number],
            code=code,
            payment_number=payment,
            max_allocation=D(allocation),
            is_interim=interim,
            due_on=due,
            submitted_on=due - datetime.timedelta(days=3),
        )
    import_catalogue(handle=io.BytesIO(CATALOGUE.encode()), actor=admin, source_name="demo.csv")
    for (code, measure_code), result in RESULTS.items():
        measure = IppMeasure.objects.get(submission=submissions[code], code=measure_code)
        record_result(
            measure=measure, actor=admin, reported="Reported on the DHCS template", **result
        )  # type: ignore[arg-type]
    for code, kind, amount, on, memo in (
        ("1", "state_receipt", "4000000", datetime.date(2022, 4, 20), "Payment 1, interim"),
        ("2-A", "state_receipt", "8500000", datetime.date(2022, 12, 15), "Payment 2"),
        (
            "1",
            "state_offset_payment",
            "800000",
            datetime.date(2022, 12, 15),
            "Unearned Payment 1 netted from Payment 2",
        ),
    ):
        recorded = record_funds_entry(
            submission=submissions[code],
            kind=kind,
            amount=D(amount),
            on_date=on,
            memo=memo,
            actor=analyst,
        )
        if isinstance(recorded, StateTransfer):  # money going back: the second person
            approve_funds_transfer(transfer=recorded, approver=approver)
    cap = IppCap.objects.create(
        program_year=years[2],
        title="Community Supports take-up below plan",
        opened_on=datetime.date(2023, 11, 1),
    )
    for description, due, status in (
        ("Contract two more housing navigation providers", datetime.date(2024, 1, 31), "done"),
        ("Monthly take-up report to DHCS", datetime.date(2024, 3, 31), "in_progress"),
    ):
        IppCapItem.objects.create(
            cap=cap, description=description, owner=admin, due_on=due, status=status
        )
    for kind, name in (
        ("needs_assessment", "needs-assessment.pdf"),
        ("gap_filling_plan", "gap-filling-plan.pdf"),
    ):
        publish_document(
            program_year=years[1],
            county="Los Angeles",
            kind=kind,
            approved_on=datetime.date(2022, 3, 15),
            upload=_pdf(name),
            actor=admin,
        )
    IppFeedback.objects.create(
        name="Rosa Ortega",
        organisation="Eastside Housing Collaborative",
        county="Los Angeles",
        message="Recuperative care beds are still short in the east of the county.",
        address_hash=address_hash("192.0.2.10"),
        received_at=timezone.now(),
    )
    applied = 0
    for npis, email, title, lines in (
        (
            DEMO_FACILITY_NPIS,
            "admin@harborview.demo",
            "Care-management software for transitions",
            [("Licence, 2 years", D("36000")), ("Staff training", D("9500"))],
        ),
        (
            DEMO_ECM_NPIS,
            "admin@cedarstreet.demo",
            "Two community health workers",
            [("Salaries, 6 months", D("62000"))],
        ),
    ):
        organisation = Organisation.objects.filter(npi__in=npis).order_by("npi").first()
        user = User.objects.filter(email=email).first()
        if organisation is None or user is None:
            continue
        submit_application(
            organisation=organisation,
            program_year=years[3],
            title=title,
            purpose="Build ECM and Community Supports capacity for the plan's members.",
            priority_area=2,
            budget_lines=lines,
            document=_pdf("budget.pdf"),
            actor=user,
        )
        applied += 1
    summary = (
        f"IPP demo data: PY1-PY3, {len(SUBMISSIONS)} submissions, one CAP, {applied} applications"
    )
    if stdout is not None:
        stdout.write(summary + "\n")
    return summary
