"""Builders for inquiry tests (plain functions: the matrix and the browser test use them too)."""

from __future__ import annotations

import datetime
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.calendar.dates import PACIFIC
from portal.inquiries import services
from portal.inquiries.models import Category, Inquiry, InquiryMessage
from portal.models import Facility, User

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CIN = "91234567A"
INTERNAL_NOTE = "INTERNAL-ONLY the facility must never read this"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PACIFIC)


def on_day(day: datetime.date, hour: int = 10):  # type: ignore[no-untyped-def]
    """``with on_day(date):`` - the portal's clock stands on that day (Pacific)."""
    return mock.patch("django.utils.timezone.now", return_value=at(day, hour))


def pdf_upload(name: str = "remittance.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def draft_inquiry(
    *,
    facility: Facility,
    author: User,
    category: str = Category.CLAIMS_PAYMENT,
    with_member: bool = True,
) -> Inquiry:
    return services.save_draft(
        organisation=facility,
        author=author,
        category=category,
        subject="Claim for March not paid",
        body="Our claim for March days was denied; why?",
        member_cin=CIN if with_member else "",
        service_from=datetime.date(2025, 3, 1) if with_member else None,
        service_to=datetime.date(2025, 3, 10) if with_member else None,
    )


def submitted_inquiry(*, facility: Facility, author: User, **kwargs: object) -> Inquiry:
    inquiry = draft_inquiry(facility=facility, author=author, **kwargs)  # type: ignore[arg-type]
    return services.submit_inquiry(inquiry=inquiry, actor=author)


def answered_inquiry(*, facility: Facility, author: User, liaison: User) -> Inquiry:
    inquiry = submitted_inquiry(facility=facility, author=author)
    answer = services.post_message(
        inquiry=inquiry, author=liaison, body="The claim was paid in the April run."
    )
    return services.close_with_answer(inquiry=inquiry, message=answer, actor=liaison)


def internal_note(inquiry: Inquiry, liaison: User) -> InquiryMessage:
    return services.post_message(inquiry=inquiry, author=liaison, body=INTERNAL_NOTE, internal=True)
