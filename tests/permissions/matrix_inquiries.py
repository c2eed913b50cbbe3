"""Permission matrix rows for inquiries, My work and turning an inquiry into a dispute.

``world.extra`` gets, lazily: ``inquiry_draft`` (a draft of ``facility``), ``inquiry`` (a
submitted claims inquiry of ``facility`` with a member reference, a PDF, a shared reply and an
internal note by its liaison), ``inquiry_b`` (a submitted inquiry of ``other_facility``,
unassigned: it has no primary liaison) and ``inquiry_closed`` (answered and closed).
Statuses are in the order of ``tests.roles.ROLES``.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from disputes.models import Dispute, DisputeAttachment
from portal.inquiries import services
from portal.inquiries.models import Inquiry, InquiryAttachment, InquiryMessage
from tests.inquiries.helpers import (
    answered_inquiry,
    draft_inquiry,
    internal_note,
    pdf_upload,
    submitted_inquiry,
)

NOT_POST = (302, 405, 405, 405, 405, 405, 405, 405)
FACILITY_ONLY = (302, 200, 200, 200, 403, 403, 403, 403)
FACILITY_OBJECT = (302, 200, 200, 404, 200, 200, 200, 200)
CASE_WORKERS = (302, 403, 403, 403, 200, 403, 403, 200)


def _draft(world: Any) -> Inquiry:
    return draft_inquiry(facility=world.facility, author=world.users["facility_staff"])


def _inquiry(world: Any) -> Inquiry:
    inquiry = submitted_inquiry(facility=world.facility, author=world.users["facility_staff"])
    liaison = world.users["ltss_liaison"]
    services.upload_attachment(
        inquiry=inquiry, upload=pdf_upload(), actor=world.users["facility_staff"]
    )
    services.post_message(inquiry=inquiry, author=liaison, body="We are looking into it.")
    internal_note(inquiry, liaison)
    return inquiry


def _inquiry_b(world: Any) -> Inquiry:
    return submitted_inquiry(
        facility=world.other_facility, author=world.users["other_facility_staff"]
    )


def _closed(world: Any) -> Inquiry:
    return answered_inquiry(
        facility=world.facility,
        author=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )


BUILDERS = {
    "inquiry_draft": _draft,
    "inquiry": _inquiry,
    "inquiry_b": _inquiry_b,
    "inquiry_closed": _closed,
}


def _get(world: Any, key: str) -> Any:
    if key not in world.extra:
        world.extra[key] = BUILDERS[key](world)
    return world.extra[key]


def _pk(world: Any, key: str) -> int:
    return _get(world, key).pk


def _url(name: str, *args: Any) -> str:
    return reverse(f"inquiries:{name}", args=args)


def _shared(world: Any) -> InquiryMessage:
    return _get(world, "inquiry").notes.get(visibility=InquiryMessage.Visibility.SHARED)


def _internal(world: Any) -> InquiryMessage:
    return _get(world, "inquiry").notes.get(visibility=InquiryMessage.Visibility.INTERNAL)


def _attachment(world: Any) -> InquiryAttachment:
    return _get(world, "inquiry").attachments.get()


CASES = {
    "inquiries:inquiry_list": (lambda w: _url("inquiry_list"), FACILITY_ONLY),
    "inquiries:inquiry_start": (lambda w: _url("inquiry_start"), FACILITY_ONLY),
    "inquiries:inquiry_detail": (
        lambda w: _url("inquiry_detail", _pk(w, "inquiry")),
        FACILITY_OBJECT,
    ),
    "inquiries:inquiry_edit": (
        lambda w: _url("inquiry_edit", _pk(w, "inquiry_draft")),
        (302, 200, 200, 404, 403, 403, 403, 403),
    ),
    "inquiries:message_add": (lambda w: _url("message_add", _pk(w, "inquiry")), NOT_POST),
    "inquiries:attachment_upload": (
        lambda w: _url("attachment_upload", _pk(w, "inquiry")),
        NOT_POST,
    ),
    "inquiries:reopen": (lambda w: _url("reopen", _pk(w, "inquiry_closed")), NOT_POST),
    "inquiries:assign": (lambda w: _url("assign", _pk(w, "inquiry_b")), NOT_POST),
    "inquiries:message_fragment": (
        lambda w: _url("message_fragment", _shared(w).pk),
        FACILITY_OBJECT,
    ),
    "inquiries:mark_answer": (lambda w: _url("mark_answer", _shared(w).pk), NOT_POST),
    # the liaison's internal note: hidden (404) from facility users, editable by case workers
    "inquiries:message_edit": (
        lambda w: _url("message_edit", _internal(w).pk),
        (302, 404, 404, 404, 200, 403, 403, 200),
    ),
    "inquiries:attachment_download": (
        lambda w: _url("attachment_download", _attachment(w).pk),
        FACILITY_OBJECT,
    ),
    "inquiries:queue": (lambda w: _url("queue"), CASE_WORKERS),
    "inquiries:sla": (lambda w: _url("sla"), CASE_WORKERS),
    "cases:my_work": (lambda w: reverse("cases:my_work"), CASE_WORKERS),
    "disputes:from_inquiry": (
        lambda w: reverse("disputes:from_inquiry", args=[_pk(w, "inquiry")]),
        (302, 200, 200, 404, 200, 403, 403, 200),
    ),
}

# ECM provider users ask their own questions; the ECM program manager works ECM providers'
# inquiries (the SNF world's objects are a 404 for all three)
ECM_COLUMNS = {
    "inquiries:inquiry_list": (200, 200, 403),
    "inquiries:inquiry_start": (200, 200, 403),
    "inquiries:queue": (403, 403, 200),
    "inquiries:sla": (403, 403, 200),
    "cases:my_work": (403, 403, 200),
}

# an internal note's fragment: hidden (404) from every provider user
INTERNAL_FRAGMENT = (302, 404, 404, 404, 200, 200, 200, 200, 404, 404, 404)
# another facility's inquiry, attachment or message from facility A's users: 404
OTHER_FACILITY = (302, 404, 404, 200, 200, 200, 200, 200, 404, 404, 404)


def _status(world: Any, key: str) -> str:
    return Inquiry.objects.get(pk=_pk(world, key)).status


POST_CASES = {
    "inquiries:inquiry_start": (
        lambda w: _url("inquiry_start"),
        lambda w: {
            "organisation": w.facility.pk,
            "category": "placement",
            "subject": "A bed for a member leaving hospital",
            "body": "Do you have a placement?",
            "save": "1",
        },
        (302, 302, 302, 404, 403, 403, 403, 403),
        lambda w: Inquiry.objects.count(),
    ),
    "inquiries:inquiry_edit": (
        lambda w: _url("inquiry_edit", _pk(w, "inquiry_draft")),
        lambda w: {
            "organisation": w.facility.pk,
            "category": "other",
            "subject": "Changed subject",
            "body": "Changed",
            "save": "1",
        },
        (302, 302, 302, 404, 403, 403, 403, 403),
        lambda w: Inquiry.objects.get(pk=_pk(w, "inquiry_draft")).subject,
    ),
    "inquiries:message_add": (
        lambda w: _url("message_add", _pk(w, "inquiry")),
        lambda w: {"body": "A message"},
        (302, 302, 302, 404, 302, 403, 403, 302),
        lambda w: InquiryMessage.objects.count(),
    ),
    "inquiries:attachment_upload": (
        lambda w: _url("attachment_upload", _pk(w, "inquiry")),
        lambda w: {"file": pdf_upload()},
        (302, 302, 302, 404, 302, 403, 403, 302),
        lambda w: InquiryAttachment.objects.count(),
    ),
    "inquiries:mark_answer": (
        lambda w: _url("mark_answer", _shared(w).pk),
        lambda w: {},
        (302, 403, 403, 403, 302, 403, 403, 302),
        lambda w: _status(w, "inquiry"),
    ),
    "inquiries:message_edit": (
        lambda w: _url("message_edit", _internal(w).pk),
        lambda w: {"body": "Edited text"},
        (302, 404, 404, 404, 302, 403, 403, 302),
        lambda w: InquiryMessage.objects.get(pk=_internal(w).pk).body,
    ),
    "inquiries:reopen": (
        lambda w: _url("reopen", _pk(w, "inquiry_closed")),
        lambda w: {"reason": "Still open"},
        (302, 302, 302, 404, 403, 403, 403, 403),
        lambda w: _status(w, "inquiry_closed"),
    ),
    "inquiries:assign": (
        lambda w: _url("assign", _pk(w, "inquiry_b")),
        lambda w: {"take": "1"},
        (302, 403, 403, 403, 302, 403, 403, 302),
        lambda w: Inquiry.objects.get(pk=_pk(w, "inquiry_b")).assignee_id,
    ),
    "disputes:from_inquiry": (
        lambda w: reverse("disputes:from_inquiry", args=[_pk(w, "inquiry")]),
        lambda w: {"program": "wqip", "program_year": 2025, "dispute_type": "bed_day_count"},
        (302, 302, 302, 404, 302, 403, 403, 302),
        lambda w: (Dispute.objects.count(), DisputeAttachment.objects.count()),
    ),
}
