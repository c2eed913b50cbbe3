"""Turning a claims or payment inquiry (portal.inquiries) into a dispute. It lives here, on
the side that may import both (the core never imports disputes).

The dispute is a draft of the inquiry's organisation, linked to the inquiry, with the
inquiry's question and shared messages as its explanation and the inquiry's files copied to
it; the member reference becomes a member-days item. Its own clocks start when the facility
submits it (receipt is day 0 of the Knox-Keene clocks). The inquiry is marked converted and
its clocks stop.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from disputes.models import Dispute, DisputeItem
from disputes.services.common import InvalidTransition, record_dispute_event
from disputes.services.filing import create_dispute_draft
from portal.cases import services as cases
from portal.cases.roles import is_case_worker, is_member
from portal.inquiries import services as inquiries
from portal.inquiries.models import OPEN_STATUSES, Category, Inquiry, InquiryMessage, Status
from portal.models import Facility, User
from portal.registry.models import OrganisationKind

CONVERTIBLE_CATEGORIES = (Category.CLAIMS_PAYMENT,)
CONVERTIBLE_STATUSES = (*OPEN_STATUSES, Status.CLOSED)


def can_convert(*, user: User, inquiry: Inquiry) -> bool:
    """A claims or payment inquiry not yet a dispute, by its organisation or a liaison."""
    return (
        inquiry.organisation.kind == OrganisationKind.SNF
        and inquiry.category in CONVERTIBLE_CATEGORIES
        and inquiry.status in CONVERTIBLE_STATUSES
        and (is_member(user, inquiry.organisation) or is_case_worker(user))
        and not Dispute.objects.filter(inquiry=inquiry).exists()
    )


def carried_text(inquiry: Inquiry) -> str:
    """The inquiry's question and its shared messages, each with author and time."""
    parts = [
        f"From inquiry {inquiry.case_number} ({inquiry.get_category_display()}): {inquiry.subject}",
        inquiry.body,
    ]
    shared = inquiry.notes.filter(visibility=InquiryMessage.Visibility.SHARED)
    for message in shared.select_related("author"):
        when = timezone.localtime(message.created_at)
        parts.append(f"--- {message.author} on {when:%-d %b %Y %H:%M}:\n{message.body}")
    return "\n\n".join(parts)


@transaction.atomic
def convert_inquiry(
    *, inquiry: Inquiry, actor: User, program: str, program_year: int, dispute_type: str
) -> Dispute:
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not can_convert(user=actor, inquiry=inquiry):
        if inquiry.category not in CONVERTIBLE_CATEGORIES:
            raise InvalidTransition("Only a claims or payment inquiry can become a dispute.")
        if not (is_member(actor, inquiry.organisation) or is_case_worker(actor)):
            raise PermissionDenied
        raise InvalidTransition(f"Inquiry {inquiry.reference} cannot become a dispute now.")
    # a liaison turns it into the organisation's draft, filed in the name of who asked
    filer = actor if is_member(actor, inquiry.organisation) else inquiry.opened_by
    dispute = create_dispute_draft(
        facility=Facility.objects.get(pk=inquiry.organisation_id),
        program=program,
        program_year=program_year,
        dispute_type=dispute_type,
        filed_by=filer,
        explanation=carried_text(inquiry),
    )
    dispute.inquiry = inquiry
    dispute.save(update_fields=["inquiry", "updated_at"])
    if inquiry.member_cin and inquiry.service_from:
        last = inquiry.service_to or inquiry.service_from
        DisputeItem.objects.create(
            dispute=dispute,
            kind=DisputeItem.Kind.MEMBER_DAYS,
            member_id=inquiry.member_cin,
            first_day=inquiry.service_from,
            last_day=last,
            days=(last - inquiry.service_from).days + 1,
        )
    for attachment in inquiry.attachments.all():
        cases.copy_attachment(source=attachment, case=dispute, actor=actor)
    record_dispute_event(
        dispute,
        action="created_from_inquiry",
        actor=actor,
        reason=f"Inquiry {inquiry.case_number}: its text and "
        f"{inquiry.attachments.count()} attachment(s) carried over.",
    )
    inquiries.mark_converted(inquiry=inquiry, actor=actor, dispute_reference=dispute.reference)
    return dispute
