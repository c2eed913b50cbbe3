"""Permission-matrix rows for the IPP pages (programs/ipp/urls.py), every role of both kinds.

The plan's side (program years, submissions, funds, feedback inbox) is for the program
administrator and finance; the LTSS liaison, the ECM program manager and providers get 403.
Applications: providers (SNF and ECM) see their own organisations' (another's is a 404), the
plan's IPP staff all. The public page, its thanks page and its documents need no sign-in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# anonymous, facility_staff, facility_admin, other_facility_staff, ltss_liaison,
# finance_analyst, finance_approver, program_admin, ecm_provider_staff, ecm_provider_admin,
# ecm_program_manager
PLAN_READ = (302, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403)
POST_ONLY = (302, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)
EVERYONE = (200,) * 11
APPLICATIONS = (302, 200, 200, 200, 403, 200, 200, 200, 200, 200, 403)
APPLY = (302, 200, 200, 200, 403, 403, 403, 403, 200, 200, 403)
OWN_APPLICATION = (302, 200, 200, 404, 403, 200, 200, 200, 404, 404, 403)


def _pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ipp_world(world: Any) -> dict[str, Any]:
    """PY1 with Submission 1 and a measure, a DHCS letter, a published Needs Assessment, one
    stakeholder comment and an application of world.facility with a document."""
    if "ipp" not in world.extra:
        from programs.ipp.models import (
            IppFeedback,
            IppLetter,
            IppMeasure,
            IppProgramYear,
            IppSubmission,
        )
        from programs.ipp.services.applications import store_pdf, submit_application
        from programs.ipp.services.public import publish_document

        admin = world.users["program_admin"]
        year = IppProgramYear.objects.create(
            number=1,
            label="PY1 (CY2022)",
            starts_on=datetime.date(2022, 1, 1),
            ends_on=datetime.date(2022, 12, 31),
        )
        submission = IppSubmission.objects.create(
            program_year=year, code="1", max_allocation=Decimal("4000000"), is_interim=True
        )
        measure = IppMeasure.objects.create(
            submission=submission,
            code="1A-1",
            priority_area=1,
            domain="1A",
            name="Closed-loop referral",
            kind="p4r",
            points=Decimal("100"),
        )
        letter = store_pdf(IppLetter, _pdf("letter.pdf"), actor=admin, submission=submission)
        document = publish_document(
            program_year=year,
            county="Alameda",
            kind="needs_assessment",
            approved_on=datetime.date(2022, 3, 1),
            upload=_pdf("na.pdf"),
            actor=admin,
        )
        feedback = IppFeedback.objects.create(
            message="More navigators, please",
            address_hash="x",
            received_at=datetime.datetime.now(datetime.UTC),
        )
        application = submit_application(
            organisation=world.facility,
            program_year=year,
            title="Referral system",
            purpose="Closed-loop referrals",
            priority_area=1,
            budget_lines=[("Licence", Decimal("1000"))],
            document=_pdf("quote.pdf"),
            actor=world.users["facility_admin"],
        )
        from programs.ipp.models import IppCap, IppCapDocument, IppCapItem

        cap = IppCap.objects.create(
            program_year=year, title="Area 3 take-up", opened_on=datetime.date(2023, 2, 1)
        )
        cap_item = IppCapItem.objects.create(
            cap=cap,
            description="Contract two housing navigators",
            owner=admin,
            due_on=datetime.date(2023, 5, 1),
        )
        cap_document = store_pdf(IppCapDocument, _pdf("evidence.pdf"), actor=admin, item=cap_item)
        from programs.ipp.services.funds import record_funds_entry

        analyst = world.users["finance_analyst"]
        money = {"submission": submission, "on_date": datetime.date(2022, 4, 15), "actor": analyst}
        record_funds_entry(kind="state_receipt", amount=Decimal("4000000"), memo="P1", **money)
        transfer = record_funds_entry(
            kind="state_return", amount=Decimal("100"), memo="Unearned part", **money
        )
        world.extra["ipp"] = {
            "transfer": transfer,
            "cap_item": cap_item,
            "cap_document": cap_document,
            "year": year,
            "submission": submission,
            "measure": measure,
            "letter": letter,
            "document": document,
            "feedback": feedback,
            "application": application,
            "application_document": application.documents.get(),
        }
    return world.extra["ipp"]  # type: ignore[no-any-return]


def _u(name: str, *keys: str) -> Any:
    def build(world: Any) -> str:
        objects = ipp_world(world)
        args = [objects[k].pk if k in objects else k for k in keys]
        return reverse(f"ipp:{name}", args=args)

    return build


def _transfer(world: Any) -> str:
    objects = ipp_world(world)
    return reverse("ipp:transfer_decide", args=[objects["year"].number, objects["transfer"].pk])


def _year(name: str) -> Any:
    def build(world: Any) -> str:
        return reverse(f"ipp:{name}", args=[ipp_world(world)["year"].number])

    return build


CASES = {
    "ipp:years": (_u("years"), PLAN_READ),
    "ipp:catalogue_upload": (_u("catalogue_upload"), POST_ONLY),
    "ipp:year": (_year("year"), PLAN_READ),
    "ipp:funds_entry": (_year("funds_entry"), POST_ONLY),
    "ipp:transfer_decide": (_transfer, POST_ONLY),
    "ipp:submission": (_u("submission", "submission"), PLAN_READ),
    "ipp:letter_upload": (_u("letter_upload", "submission"), POST_ONLY),
    "ipp:letter": (_u("letter", "submission", "letter"), PLAN_READ),
    "ipp:result": (_u("result", "measure"), POST_ONLY),
    "ipp:applications": (_u("applications"), APPLICATIONS),
    "ipp:apply": (_u("apply"), APPLY),
    "ipp:application": (_u("application", "application"), OWN_APPLICATION),
    "ipp:decide": (_u("decide", "application"), POST_ONLY),
    "ipp:application_document": (
        _u("application_document", "application", "application_document"),
        OWN_APPLICATION,
    ),
    "ipp:caps": (_u("caps"), PLAN_READ),
    "ipp:cap_item_update": (_u("cap_item_update", "cap_item"), POST_ONLY),
    "ipp:cap_document": (_u("cap_document", "cap_item", "cap_document"), PLAN_READ),
    # providers answer, the plan's IPP staff read the answers
    "ipp:survey": (_u("survey"), APPLICATIONS),
    "ipp:feedback_list": (_u("feedback_list"), PLAN_READ),
    "ipp:feedback_answer": (_u("feedback_answer", "feedback"), POST_ONLY),
    "ipp:document_publish": (_u("document_publish"), POST_ONLY),
    "ipp:public": (_u("public"), EVERYONE),
    "ipp:public_thanks": (_u("public_thanks"), EVERYONE),
    "ipp:public_document": (_u("public_document", "document"), EVERYONE),
}


def _application_status(world: Any) -> Any:
    from programs.ipp.models import IppApplication

    return list(IppApplication.objects.values_list("pk", "status", "awarded_amount"))


def _funds(world: Any) -> Any:
    from payments.models import LedgerEntry, StateTransfer

    return (
        list(LedgerEntry.objects.filter(program="ipp").values_list("pk", "amount")),
        list(StateTransfer.objects.values_list("pk", "status", "amount")),
    )


def _answers(world: Any) -> Any:
    from programs.ipp.models import IppFeedback

    return list(IppFeedback.objects.values_list("pk", "answer"))


def _results(world: Any) -> Any:
    from programs.ipp.models import IppMeasure

    return list(IppMeasure.objects.values_list("pk", "met"))


def _cap_items(world: Any) -> Any:
    from programs.ipp.models import IppCapItem

    return list(IppCapItem.objects.values_list("pk", "status"))


PROGRAM_ADMIN_ONLY = (302, 403, 403, 403, 403, 403, 403, 302, 403, 403, 403)
FUNDS = (302, 403, 403, 403, 403, 302, 302, 302, 403, 403, 403)
# a finance approver who did not ask (the finance analyst asked in ipp_world)
APPROVER_ONLY = (302, 403, 403, 403, 403, 403, 302, 403, 403, 403, 403)


# a set always means a refusal (tests/permissions/test_matrix.py): nothing may change
REFUSED_400 = frozenset({400})


def _surveys(world: Any) -> Any:
    from programs.ipp.models import IppNeedsSurvey

    return list(IppNeedsSurvey.objects.values_list("organisation_id", "members_served"))


def _survey_answers(world: Any) -> dict[str, Any]:
    ipp_world(world)
    return {
        "organisation": world.facility.pk,
        "members_served": 120,
        "staff_needed": 3,
        "top_needs": "Two more care coordinators",
    }


POST_CASES = {
    # a provider answers for its own organisation only: world.facility's users save, the
    # other facility's user and ECM providers' users are refused (a form error: 400)
    "ipp:survey": (
        _u("survey"),
        _survey_answers,
        (302, 302, 302, REFUSED_400, 403, 403, 403, 403, REFUSED_400, REFUSED_400, 403),
        _surveys,
    ),
    "ipp:decide": (
        _u("decide", "application"),
        lambda w: {"decision": "approved", "amount": "900.00", "reason": "Fills a gap"},
        (302, 403, 403, 404, 403, 403, 403, 302, 404, 404, 403),
        _application_status,
    ),
    "ipp:funds_entry": (
        _year("funds_entry"),
        lambda w: {
            "submission": ipp_world(w)["submission"].pk,
            "kind": "state_receipt",
            "amount": "4000000.00",
            "on_date": "2022-04-15",
            "memo": "Payment 1",
        },
        FUNDS,
        _funds,
    ),
    "ipp:transfer_decide": (
        _transfer,
        lambda w: {"decision": "approve"},
        APPROVER_ONLY,
        _funds,
    ),
    "ipp:feedback_answer": (
        _u("feedback_answer", "feedback"),
        lambda w: {"answer": "Thank you; planned for PY2."},
        PROGRAM_ADMIN_ONLY,
        _answers,
    ),
    "ipp:cap_item_update": (
        _u("cap_item_update", "cap_item"),
        lambda w: {"status": "done", "note": "Contracts signed"},
        PROGRAM_ADMIN_ONLY,
        _cap_items,
    ),
    "ipp:result": (
        _u("result", "measure"),
        lambda w: {"met": "yes", "reported": "Done"},
        PROGRAM_ADMIN_ONLY,
        _results,
    ),
}
