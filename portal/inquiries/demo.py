"""Demo inquiries for ``make run`` (idempotent): one in every state at the demo facilities,
with threads, an internal note, a member reference and one in the team queue. The disputes
app's demo turns the claims one into a dispute (the "converted" state)."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.db import transaction

from portal.demo import DEMO_FACILITY_NPIS
from portal.inquiries import services
from portal.inquiries.models import Category, Inquiry
from portal.models import Facility, User

DEMO_CIN = "90000001A"  # not a real member: the demo's invented CIN


def _draft(facility: Facility, author: User, category: str, subject: str, body: str, **kw):  # type: ignore[no-untyped-def]
    return services.save_draft(
        organisation=facility, author=author, category=category, subject=subject, body=body, **kw
    )


@transaction.atomic
def load_inquiry_demo_data(*, stdout: TextIO | None = None) -> str:
    facilities = list(Facility.objects.filter(npi__in=DEMO_FACILITY_NPIS).order_by("npi"))
    staff = User.objects.filter(email="staff@harborview.demo").first()
    liaison = User.objects.filter(email="liaison@plan.demo").first()
    lead = User.objects.filter(email="programadmin@plan.demo").first()
    if len(facilities) < 2 or staff is None or liaison is None or lead is None:
        return "inquiries demo data: no demo facilities or users"
    if Inquiry.objects.filter(organisation__in=facilities).exists():
        summary = "inquiries demo data: already loaded"
    else:
        harbor, oak = facilities
        # draft: kept, not sent
        _draft(harbor, staff, Category.OTHER, "Remittance address change", "")
        # awaiting first reply, with the primary liaison
        services.submit_inquiry(
            inquiry=_draft(
                harbor,
                staff,
                Category.PLACEMENT,
                "Placement for a member leaving St. Mary's",
                "A member is ready for discharge on Friday and needs a subacute bed. "
                "Can the plan help find one near Long Beach?",
            ),
            actor=staff,
        )
        # awaiting first reply, back in the team queue
        queued = services.submit_inquiry(
            inquiry=_draft(
                oak,
                staff,
                Category.PROGRAM,
                "Second WQIP webinar date",
                "When is the second informational webinar for the 2026 opt-in?",
            ),
            actor=staff,
        )
        services.assign_inquiry(
            inquiry=queued, assignee=None, actor=lead, reason="Back to the team queue."
        )
        # in progress: a claims question with a member reference, a reply and a note
        claims = services.submit_inquiry(
            inquiry=_draft(
                harbor,
                staff,
                Category.CLAIMS_PAYMENT,
                "March bed days not paid",
                "Ten days in March for one member were not counted in the interim payment.",
                member_cin=DEMO_CIN,
                service_from=datetime.date(2024, 3, 1),
                service_to=datetime.date(2024, 3, 10),
            ),
            actor=staff,
        )
        services.post_message(
            inquiry=claims,
            author=liaison,
            body="Thank you. We see the claims; checking why they were not counted.",
        )
        services.post_message(
            inquiry=claims,
            author=liaison,
            body="Claims arrived after the interim cut-off; they count in the final run.",
            internal=True,
        )
        # care transition: in progress after the facility's answer
        transition = services.submit_inquiry(
            inquiry=_draft(
                oak,
                staff,
                Category.CARE_TRANSITION,
                "Home health after discharge",
                "Who arranges home health for a member going home next week?",
            ),
            actor=staff,
        )
        services.post_message(
            inquiry=transition, author=liaison, body="Which day is the discharge planned?"
        )
        services.post_message(inquiry=transition, author=staff, body="Next Tuesday.")
        # answered and closed (may be reopened)
        answered = services.submit_inquiry(
            inquiry=_draft(
                harbor,
                staff,
                Category.PROGRAM,
                "Who signs the opt-in?",
                "Can our administrator sign the opt-in form, or must it be the owner?",
            ),
            actor=staff,
        )
        answer = services.post_message(
            inquiry=answered,
            author=liaison,
            body="Any authorised signer of the facility can sign: usually the administrator.",
        )
        services.close_with_answer(inquiry=answered, message=answer, actor=liaison)
        # a claims question the disputes demo turns into a dispute
        services.submit_inquiry(
            inquiry=_draft(
                oak,
                staff,
                Category.CLAIMS_PAYMENT,
                "Recoupment on the interim run",
                "The interim run recouped an amount we do not understand.",
            ),
            actor=staff,
        )
        summary = f"inquiries demo data: {Inquiry.objects.count()} inquiries"
    if stdout is not None:
        stdout.write(summary + "\n")
    return summary
