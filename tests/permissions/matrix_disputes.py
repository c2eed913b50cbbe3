"""Permission matrix rows for the dispute pages (GET and POST).

``world.extra`` gets, lazily (``tests.disputes.helpers`` builds them):
``dispute_draft`` (a complete draft of ``facility``), ``dispute`` (an acknowledged dispute of
``facility`` with an attachment and an internal note by the liaison), ``dispute_b`` (an
acknowledged dispute of ``other_facility``, unassigned: it has no primary liaison),
``dispute_review`` (under review), ``dispute_determined`` (partially overturned, letter and a
pending bed-day adjustment) and ``paid`` (the facility's 2025 interim run posted).
Statuses are in the order of ``tests.roles.ROLES``.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from disputes.models import Dispute, DisputeAttachment, DisputeType, Note
from disputes.services import money, notes
from payments.models import PaymentRun
from programs.wqip.models import BedDayAdjustment
from tests.disputes.helpers import (
    YEAR,
    add_internal_note,
    complete_fields,
    determined,
    draft_dispute,
    paid_facility,
    pdf_upload,
    submitted_dispute,
    under_review,
)

NOT_POST = (302, 405, 405, 405, 405, 405, 405, 405)
FACILITY_ONLY = (302, 200, 200, 200, 403, 403, 403, 403)
FACILITY_OBJECT = (302, 200, 200, 404, 200, 200, 200, 200)
CASE_WORKERS = (302, 403, 403, 403, 200, 403, 403, 200)


def _get(world: Any, key: str) -> Any:
    if key not in world.extra:
        world.extra[key] = BUILDERS[key](world)
    return world.extra[key]


def _draft(world: Any) -> Dispute:
    return draft_dispute(facility=world.facility, filer=world.users["facility_staff"])


def _acknowledged(world: Any) -> Dispute:
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    notes.upload_attachment(dispute=dispute, upload=pdf_upload(), actor=world.users["ltss_liaison"])
    add_internal_note(dispute, world.users["ltss_liaison"])
    return dispute


def _dispute_b(world: Any) -> Dispute:
    return submitted_dispute(
        facility=world.other_facility, filer=world.users["other_facility_staff"]
    )


def _review(world: Any) -> Dispute:
    return under_review(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )


def _determined(world: Any) -> Dispute:
    return determined(
        facility=world.facility,
        filer=world.users["facility_staff"],
        liaison=world.users["ltss_liaison"],
    )


def _paid(world: Any) -> Any:
    return paid_facility(
        world.facility,
        analyst=world.users["finance_analyst"],
        approver=world.users["finance_approver"],
    )


def _approved_adjustment_dispute(world: Any) -> Dispute:
    _get(world, "paid")
    dispute = _get(world, "dispute_determined")
    money.approve_dispute_adjustment(
        determination=dispute.determination, approver=world.users["finance_approver"]
    )
    return dispute


def _supplemental_draft(world: Any) -> PaymentRun:
    dispute = _get(world, "dispute_awaiting_run")
    return money.start_supplemental_run(dispute=dispute, actor=world.users["finance_analyst"])


BUILDERS = {
    "dispute_draft": _draft,
    "dispute": _acknowledged,
    "dispute_b": _dispute_b,
    "dispute_review": _review,
    "dispute_determined": _determined,
    "paid": _paid,
    "dispute_awaiting_run": _approved_adjustment_dispute,
    "supplemental_run": _supplemental_draft,
}


def _url(name: str, *args: Any) -> str:
    return reverse(f"disputes:{name}", args=args)


def _pk(world: Any, key: str) -> int:
    return _get(world, key).pk


def _attachment(world: Any) -> DisputeAttachment:
    return _get(world, "dispute").attachments.get()


def _internal_note(world: Any) -> Note:
    return _get(world, "dispute").notes.get(visibility=Note.Visibility.INTERNAL)


CASES = {
    "disputes:dispute_list": (lambda w: _url("dispute_list"), FACILITY_ONLY),
    "disputes:dispute_start": (lambda w: _url("dispute_start"), FACILITY_ONLY),
    "disputes:dispute_detail": (
        lambda w: _url("dispute_detail", _pk(w, "dispute")),
        FACILITY_OBJECT,
    ),
    "disputes:dispute_edit": (
        lambda w: _url("dispute_edit", _pk(w, "dispute_draft")),
        (302, 200, 200, 404, 403, 403, 403, 403),
    ),
    "disputes:dispute_submit": (
        lambda w: _url("dispute_submit", _pk(w, "dispute_draft")),
        NOT_POST,
    ),
    "disputes:attachment_upload": (
        lambda w: _url("attachment_upload", _pk(w, "dispute_draft")),
        NOT_POST,
    ),
    "disputes:attachment_download": (
        lambda w: _url("attachment_download", _attachment(w).pk),
        FACILITY_OBJECT,
    ),
    "disputes:letter_download": (
        lambda w: _url("letter_download", _pk(w, "dispute_determined")),
        FACILITY_OBJECT,
    ),
    "disputes:second_level": (
        lambda w: _url("second_level", _pk(w, "dispute_determined")),
        NOT_POST,
    ),
    "disputes:add_message": (lambda w: _url("add_message", _pk(w, "dispute")), NOT_POST),
    # an internal note: hidden (404) from every facility user, editable by case workers
    "disputes:note_edit": (
        lambda w: _url("note_edit", _internal_note(w).pk),
        (302, 404, 404, 404, 200, 403, 403, 200),
    ),
    "disputes:queue": (lambda w: _url("queue"), CASE_WORKERS),
    "disputes:paper_create": (lambda w: _url("paper_create"), CASE_WORKERS),
    "disputes:sla": (lambda w: _url("sla"), CASE_WORKERS),
    "disputes:case_action": (lambda w: _url("case_action", _pk(w, "dispute"), "take"), NOT_POST),
    "disputes:determine": (lambda w: _url("determine", _pk(w, "dispute_review")), CASE_WORKERS),
    "disputes:money_outcomes": (
        lambda w: _url("money_outcomes"),
        (302, 403, 403, 403, 403, 200, 200, 200),
    ),
    "disputes:adjustment_approve": (
        lambda w: _url(
            "adjustment_approve", _get(w, "dispute_determined").determination.adjustment_id
        ),
        NOT_POST,
    ),
    "disputes:supplemental_run": (
        lambda w: _url("supplemental_run", _pk(w, "dispute_determined")),
        NOT_POST,
    ),
    "disputes:supplemental_run_approve": (
        lambda w: _url("supplemental_run_approve", _pk(w, "dispute_determined"), 1),
        NOT_POST,
    ),
}

# the same URL names with other path values, walked by tests/security/test_hostile_input.py
WALK_VARIANTS = {
    "disputes:case_action": tuple(
        (lambda w, action=action, key=key: _url("case_action", _pk(w, key), action))
        for action, key in (
            ("acknowledge", "dispute"),
            ("assign", "dispute"),
            ("start_review", "dispute"),
            ("return", "dispute"),
            ("close", "dispute_determined"),
        )
    ),
}


def _status(world: Any, key: str) -> str:
    return Dispute.objects.get(pk=_pk(world, key)).status


POST_CASES = {
    "disputes:dispute_start": (
        lambda w: _url("dispute_start"),
        lambda w: {
            "facility": w.facility.pk,
            "program_year": YEAR,
            "dispute_type": DisputeType.PAYMENT_TIMING,
        },
        (302, 302, 302, 404, 403, 403, 403, 403),
        lambda w: Dispute.objects.count(),
    ),
    "disputes:dispute_edit": (
        lambda w: _url("dispute_edit", _pk(w, "dispute_draft")),
        lambda w: {
            **{k: v for k, v in complete_fields().items() if v is not None},
            "explanation": "Changed explanation",
            "months": [3, 4],
            "save": "1",
        },
        (302, 302, 302, 404, 403, 403, 403, 403),
        lambda w: Dispute.objects.get(pk=_pk(w, "dispute_draft")).explanation,
    ),
    "disputes:dispute_submit": (
        lambda w: _url("dispute_submit", _pk(w, "dispute_draft")),
        lambda w: {},
        (302, 302, 302, 404, 403, 403, 403, 403),
        lambda w: _status(w, "dispute_draft"),
    ),
    "disputes:attachment_upload": (
        lambda w: _url("attachment_upload", _pk(w, "dispute_draft")),
        lambda w: {"file": pdf_upload()},
        (302, 302, 302, 404, 404, 404, 404, 404),
        lambda w: DisputeAttachment.objects.count(),
    ),
    "disputes:second_level": (
        lambda w: _url("second_level", _pk(w, "dispute_determined")),
        lambda w: {},
        (302, 302, 302, 404, 403, 403, 403, 403),
        lambda w: Dispute.objects.filter(level=2).count(),
    ),
    "disputes:add_message": (
        lambda w: _url("add_message", _pk(w, "dispute")),
        lambda w: {"body": "A message", "visibility": Note.Visibility.SHARED},
        (302, 302, 302, 404, 302, 302, 302, 302),
        lambda w: Note.objects.count(),
    ),
    "disputes:note_edit": (
        lambda w: _url("note_edit", _internal_note(w).pk),
        lambda w: {"body": "Edited text"},
        (302, 404, 404, 404, 302, 403, 403, 302),
        lambda w: Note.objects.get(pk=_internal_note(w).pk).body,
    ),
    "disputes:paper_create": (
        lambda w: _url("paper_create"),
        lambda w: {
            "facility": w.facility.pk,
            "program": "wqip",  # a program administrator leads both teams: chooses it
            "program_year": YEAR,
            "dispute_type": DisputeType.RECOUPMENT,
            "received_on": timezone.localdate().isoformat(),
            "explanation": "Paper letter",
            "contact_name": "Pat",
        },
        (302, 403, 403, 403, 302, 403, 403, 302),
        lambda w: Dispute.objects.count(),
    ),
    "disputes:case_action": (
        lambda w: _url("case_action", _pk(w, "dispute_b"), "take"),
        lambda w: {},
        (302, 403, 403, 403, 302, 403, 403, 302),
        lambda w: Dispute.objects.get(pk=_pk(w, "dispute_b")).assignee_id,
    ),
    "disputes:determine": (
        lambda w: _url("determine", _pk(w, "dispute_review")),
        lambda w: {"outcome": "upheld", "reasoning": "Counted correctly.", "amount": "0"},
        (302, 403, 403, 403, 302, 403, 403, 302),
        lambda w: _status(w, "dispute_review"),
    ),
    "disputes:adjustment_approve": (
        lambda w: _url(
            "adjustment_approve", _get(w, "dispute_determined").determination.adjustment_id
        ),
        lambda w: {},
        (302, 403, 403, 403, 403, 403, 302, 403),
        lambda w: list(BedDayAdjustment.objects.values_list("approved_at", flat=True)),
    ),
    "disputes:supplemental_run": (
        lambda w: _url("supplemental_run", _pk(w, "dispute_awaiting_run")),
        lambda w: {},
        (302, 403, 403, 403, 403, 302, 302, 302),
        lambda w: PaymentRun.objects.count(),
    ),
    "disputes:supplemental_run_approve": (
        lambda w: _url(
            "supplemental_run_approve", _pk(w, "dispute_awaiting_run"), _pk(w, "supplemental_run")
        ),
        lambda w: {},
        (302, 403, 403, 403, 403, 403, 302, 403),
        lambda w: PaymentRun.objects.get(pk=_pk(w, "supplemental_run")).status,
    ),
}


# The ECM columns (ECM provider staff, administrator; the plan's ECM program manager) of rows
# whose objects are a SNF's: ECM provider users file and follow their own organisation's
# disputes (tests/programs/ecm/test_disputes.py has the rows with an ECM provider's
# disputes); the ECM program manager works the ECM team's cases, never sees a SNF's dispute.
ECM_COLUMNS = {
    "disputes:dispute_list": (200, 200, 403),
    "disputes:dispute_start": (200, 200, 403),
    "disputes:queue": (403, 403, 200),
    "disputes:sla": (403, 403, 200),
    "disputes:paper_create": (403, 403, 200),
    "disputes:determine": (403, 403, 404),
}
ECM_POST_COLUMNS = {
    # a SNF is not among the organisations the ECM program manager may enter a dispute for
    "disputes:paper_create": (403, 403, frozenset({400})),
}
