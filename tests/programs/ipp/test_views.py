"""IPP pages: a provider applies and sees only its own applications (another's is a 404), the
program administrator decides, the award is paid by a two-person payment run into the ledger;
the public page's feedback form is rate-limited (the 21st post of an hour stores nothing) and
spam-resistant (honeypot, signed time); the plan's pages show the figures with their inputs."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from payments.models import LedgerEntry, StateTransfer
from payments.services import approve_payment_run, start_payment_run
from programs.ipp.models import IppApplication, IppFeedback
from programs.ipp.services.catalogue import record_result
from programs.ipp.services.funds import record_funds_entry
from programs.ipp.services.public import form_token
from tests.programs.ipp.factories import measure, program_year, submission

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _apply(client: Client, organisation_id: int) -> Any:
    return client.post(
        reverse("ipp:apply"),
        {
            "organisation": organisation_id,
            "title": "Closed-loop referral system",
            "purpose": "Referrals to Community Supports with a closed loop",
            "priority_area": 1,
            "line_1": "Software licence",
            "amount_1": "30000.00",
            "line_2": "Staff training",
            "amount_2": "12500.50",
            "document": SimpleUploadedFile("quote.pdf", PDF, content_type="application/pdf"),
        },
    )


def test_provider_applies_plan_awards_and_two_people_post_it(world, client_as) -> None:  # type: ignore[no-untyped-def]
    program_year(1)
    response = _apply(client_as("facility_admin"), world.facility.pk)
    assert response.status_code == 302
    application = IppApplication.objects.get()
    assert application.requested == Decimal("42500.50")
    assert application.documents.count() == 1
    # another provider's user gets a 404, its own staff and the plan see it
    url = reverse("ipp:application", args=[application.pk])
    assert client_as("other_facility_staff").get(url).status_code == 404
    assert client_as("ecm_provider_staff").get(url).status_code == 404
    assert client_as("facility_staff").get(url).status_code == 200
    doc = application.documents.get()
    doc_url = reverse("ipp:application_document", args=[application.pk, doc.pk])
    assert client_as("other_facility_staff").get(doc_url).status_code == 404
    # the program administrator awards it, with a reason
    decided = client_as("program_admin").post(
        reverse("ipp:decide", args=[application.pk]),
        {"decision": "approved", "amount": "40000.00", "reason": "Fills the referral gap"},
    )
    assert decided.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.awarded_amount == Decimal("40000.00")
    # paid by a payment run: the analyst starts it, the approver posts it
    run = start_payment_run(
        program="ipp", program_year=2022, kind="award", started_by=world.users["finance_analyst"]
    )
    assert [(line.facility_id, line.gross_amount) for line in run.lines.all()] == [
        (world.facility.pk, Decimal("40000.00"))
    ]
    approve_payment_run(run=run, approver=world.users["finance_approver"])
    # the year's balance: no funds recorded - 40,000.00 paid to providers = -40,000.00
    page = client_as("finance_analyst").get(reverse("ipp:year", args=[1])).content.decode()
    assert "paid to providers through payment runs $40,000.00" in page
    entry = LedgerEntry.objects.get(program="ipp")
    assert (entry.facility_id, entry.amount, entry.kind) == (
        world.facility.pk,
        Decimal("40000.00"),
        "payment",
    )


def test_ecm_provider_applies_for_its_own_organisation_only(world, client_as) -> None:  # type: ignore[no-untyped-def]
    program_year(1)
    refused = _apply(client_as("ecm_provider_admin"), world.ecm_provider_b.pk)
    assert refused.status_code == 400
    assert not IppApplication.objects.exists()
    assert _apply(client_as("ecm_provider_admin"), world.ecm_provider_a.pk).status_code == 302
    listed = client_as("ecm_provider_staff").get(reverse("ipp:applications"))
    assert b"Closed-loop referral system" in listed.content
    assert (
        b"Closed-loop referral system"
        not in client_as("facility_staff").get(reverse("ipp:applications")).content
    )


def _feedback(client: Client, **extra: str) -> Any:
    data = {
        "message": "Please add more housing navigators in Fresno.",
        "county": "Fresno",
        "website": "",
        "shown": form_token(time.time() - 10),
    }
    data.update(extra)
    return client.post(reverse("ipp:public"), data, REMOTE_ADDR="203.0.113.7")


def test_public_form_refuses_the_21st_post_of_an_hour_and_stores_nothing(db) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(20):
        assert _feedback(client).status_code == 302
    assert IppFeedback.objects.count() == 20
    refused = _feedback(client)
    assert refused.status_code == 429
    assert b"many comments from your address" in refused.content
    assert IppFeedback.objects.count() == 20
    # another address is not held back
    other = client.post(
        reverse("ipp:public"),
        {"message": "Hello", "website": "", "shown": form_token(time.time() - 10)},
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 302
    assert IppFeedback.objects.count() == 21


def test_public_form_honeypot_and_fast_or_forged_posts_store_nothing(db) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert _feedback(client, website="http://spam.example").status_code == 302
    assert _feedback(client, shown=form_token(time.time())).status_code == 429
    assert _feedback(client, shown="forged").status_code == 429
    assert not IppFeedback.objects.exists()
    page = client.get(reverse("ipp:public"))
    assert page.status_code == 200
    assert b"Send feedback" in page.content


def test_year_page_shows_the_illustration_with_its_inputs(world, client_as) -> None:  # type: ignore[no-untyped-def]
    year = program_year(1, attributable_capitation=Decimal("60000000"))
    p1 = submission(year, "1", "4000000", payment_number=1, is_interim=True)
    a, b = measure(p1, "A", "800"), measure(p1, "B", "200", area=2)
    admin = world.users["program_admin"]
    record_result(measure=a, actor=admin, met=True)
    record_result(measure=b, actor=admin, met=False)
    record_funds_entry(
        submission=p1,
        kind="state_receipt",
        amount=Decimal("4000000"),
        on_date=datetime.date(2022, 4, 15),
        memo="Payment 1",
        actor=world.users["finance_analyst"],
    )
    page = client_as("finance_analyst").get(reverse("ipp:year", args=[1])).content.decode()
    assert "$3,200,000.00" in page  # earned = 4,000,000 x 800 / 1,000
    assert "received $4,000,000.00 \u2212 earned $3,200,000.00 = $800,000.00" in page
    assert "Warning: above the cap" in page  # 4 M > 5% of 60 M = 3 M
    detail = (
        client_as("program_admin").get(reverse("ipp:submission", args=[p1.pk])).content.decode()
    )
    assert "$4,000,000.00 \u00d7 800 \u00f7 1000" in detail


def test_return_to_dhcs_needs_a_second_person(world, client_as) -> None:  # type: ignore[no-untyped-def]
    # Payment 1: $4,000,000 received on an interim basis, 800 of 1,000 points -> $800,000 back
    year = program_year(1)
    p1 = submission(year, "1", "4000000", payment_number=1, is_interim=True)
    a, b = measure(p1, "A", "800"), measure(p1, "B", "200", area=2)
    record_result(measure=a, actor=world.users["program_admin"], met=True)
    record_result(measure=b, actor=world.users["program_admin"], met=False)
    record_funds_entry(
        submission=p1,
        kind="state_receipt",
        amount=Decimal("4000000"),
        on_date=datetime.date(2022, 4, 15),
        memo="Payment 1",
        actor=world.users["finance_analyst"],
    )
    asked = client_as("finance_analyst").post(
        reverse("ipp:funds_entry", args=[1]),
        {
            "submission": p1.pk,
            "kind": "state_return",
            "amount": "800000.00",
            "on_date": "2022-12-01",
            "memo": "Unearned Payment 1",
        },
    )
    assert asked.status_code == 302
    transfer = StateTransfer.objects.get()
    assert not LedgerEntry.objects.filter(amount__lt=0).exists()  # not posted yet
    decide = reverse("ipp:transfer_decide", args=[1, transfer.pk])
    # the analyst cannot approve (not an approver); the approver who asked could not either
    assert client_as("finance_analyst").post(decide, {"decision": "approve"}).status_code == 403
    page = client_as("finance_approver").get(reverse("ipp:year", args=[1])).content.decode()
    assert "Approve $800,000.00" in page
    assert client_as("finance_approver").post(decide, {"decision": "approve"}).status_code == 302
    entry = LedgerEntry.objects.get(amount__lt=0)
    assert (entry.facility_id, entry.kind, entry.amount, entry.posted_by) == (
        None,
        "state_return",
        Decimal("-800000.00"),
        world.users["finance_approver"],
    )
    page = client_as("finance_analyst").get(reverse("ipp:year", args=[1])).content.decode()
    # one balance: 4,000,000 received - 800,000 returned - 0 to providers = 3,200,000
    assert "<strong>$3,200,000.00</strong> left to invest" in page
    assert "Nothing waiting." in page
    years = client_as("finance_approver").get(reverse("ipp:years")).content.decode()
    assert 'data-testid="balance-1">$3,200,000.00<' in years


def test_catalogue_upload_lists_errors_by_line_and_column(world, client_as) -> None:  # type: ignore[no-untyped-def]
    submission(program_year(1), "2-A")
    body = (
        "program_year,submission,measure,priority_area,domain,name,mandatory,kind,points\n"
        "1,2-A,M1,5,1A,Bad area,yes,p4r,10\n"
    )
    response = client_as("program_admin").post(
        reverse("ipp:catalogue_upload"),
        {"file": SimpleUploadedFile("cat.csv", body.encode(), content_type="text/csv")},
    )
    assert response.status_code == 400
    assert b"line 2, column priority_area" in response.content


def test_provider_answers_the_needs_survey_and_the_plan_reads_it(world, client_as) -> None:  # type: ignore[no-untyped-def]
    program_year(1)
    answers = {
        "organisation": world.ecm_provider_a.pk,
        "members_served": "340",
        "staff_needed": "4",
        "top_needs": "Housing navigators",
    }
    assert client_as("ecm_provider_staff").post(reverse("ipp:survey"), answers).status_code == 302
    answers["members_served"] = "360"
    assert client_as("ecm_provider_admin").post(reverse("ipp:survey"), answers).status_code == 302
    page = client_as("program_admin").get(reverse("ipp:survey")).content.decode()
    assert "Housing navigators" in page
    assert ">360<" in page  # answering again replaced the year's answer
    assert ">340<" not in page
