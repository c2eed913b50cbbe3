"""Demo disputes for ``make run`` (idempotent): one in every state at the demo facilities,
so a new liaison's queue is not empty, and the demo's claims inquiry turned into a dispute."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from disputes.models import Dispute, Outcome
from disputes.programs import dispute_programs
from disputes.services import case_work, determination, filing, from_inquiry
from portal.demo import DEMO_FACILITY_NPIS
from portal.inquiries.models import Category, Inquiry
from portal.inquiries.models import Status as InquiryStatus
from portal.models import Facility, User

DEMO_REFERENCE = "Demo: interim payment report"


def _fields(n: int) -> dict[str, Any]:
    return {
        "report_reference": f"{DEMO_REFERENCE} #{n}",
        "plan_action_on": timezone.localdate() - datetime.timedelta(days=30 + n),
        "explanation": "The interim report does not count days the facility billed and was "
        "paid for.",
        "amount_sought": Decimal("120.00") + n,
        "contact_name": "Sol Staff",
        "contact_email": "staff@harborview.demo",
    }


@transaction.atomic
def load_dispute_demo_data(*, stdout: TextIO | None = None) -> str:
    facilities = list(Facility.objects.filter(npi__in=DEMO_FACILITY_NPIS).order_by("npi"))
    staff = User.objects.filter(email="staff@harborview.demo").first()
    liaison = User.objects.filter(email="liaison@plan.demo").first()
    programs = dispute_programs()
    if not facilities or staff is None or liaison is None or not programs:
        return "disputes demo data: no demo facilities, users or dispute programs"
    if Dispute.objects.filter(report_reference__startswith=DEMO_REFERENCE).exists():
        summary = "disputes demo data: already loaded"
    else:
        summary = _load(facilities, staff, liaison, programs[0])
    if stdout is not None:
        stdout.write(summary + "\n")
    return summary


def _load(facilities: list[Facility], staff: User, liaison: User, program: Any) -> str:
    year = program.year_choices()[0][0]
    plain_types = [t for t, _ in program.type_choices() if t not in program.itemised_types]
    dispute_type = plain_types[0]
    counter = iter(range(1, 100))

    def draft(facility: Facility) -> Dispute:
        return filing.create_dispute_draft(
            facility=facility,
            program=program.program,
            program_year=year,
            dispute_type=dispute_type,
            filed_by=staff,
            **_fields(next(counter)),
        )

    def filed(facility: Facility) -> Dispute:
        return filing.submit_dispute(dispute=draft(facility), actor=staff)

    harbor, oak = facilities[0], facilities[-1]
    draft(harbor)  # draft
    filing.enter_paper_dispute(  # submitted (a paper letter awaiting acknowledgement)
        facility=oak,
        program=program.program,
        program_year=year,
        dispute_type=dispute_type,
        received_on=timezone.localdate(),
        actor=liaison,
        filed_by=staff,
        **_fields(next(counter)),
    )
    filed(oak)  # acknowledged (electronic filings are acknowledged at once)
    returned = case_work.return_for_information(
        dispute=filed(harbor), actor=liaison, missing="The remittance advice of March."
    )
    del returned  # returned for more information
    amended = case_work.return_for_information(
        dispute=filed(oak), actor=liaison, missing="The claim numbers."
    )
    case_work.amend_dispute(dispute=amended, actor=staff, explanation="Claim numbers added.")
    # closed (not amended in time): a return whose 30-day window is over
    lapsed = case_work.return_for_information(
        dispute=filed(harbor), actor=liaison, missing="A contact phone number."
    )
    Dispute.objects.filter(pk=lapsed.pk).update(
        amend_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    case_work.close_incomplete(dispute=lapsed)
    case_work.start_review(dispute=filed(oak), actor=liaison)  # under review
    for close in (False, True):  # determined, then closed
        dispute = case_work.start_review(dispute=filed(harbor), actor=liaison)
        determination.determine_dispute(
            dispute=dispute,
            actor=liaison,
            outcome=Outcome.UPHELD,
            reasoning="The days were counted in the final run; the interim report was right.",
            amount=Decimal("0"),
        )
        if close:
            dispute.refresh_from_db()
            case_work.close_dispute(dispute=dispute, actor=liaison, reason="Settled.")
    converted = ""
    inquiry = Inquiry.objects.filter(
        organisation__in=facilities,
        category=Category.CLAIMS_PAYMENT,
        status=InquiryStatus.SUBMITTED,
        subject__startswith="Recoupment",
    ).first()
    if inquiry is not None:
        made = from_inquiry.convert_inquiry(
            inquiry=inquiry,
            actor=staff,
            program=program.program,
            program_year=year,
            dispute_type=dispute_type,
        )
        converted = f"; inquiry {inquiry.case_number} turned into {made.reference}"
    return f"disputes demo data: {Dispute.objects.count()} disputes in every state{converted}"
