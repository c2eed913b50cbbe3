"""IPP award runs pay every approved award, whatever the kind of provider organisation: a SNF's
and an ECM provider's awards in one run, drafted by an analyst and posted by a different
approver into the ledger; the ECM provider's users see their own IPP payment (another's is a
404) and are told it was issued (no amount in the e-mail); the SNF's users get the core's notice.

Figures (PY1 = calendar year 2022):
- ECM provider a: awards 12,500.50 and 7,249.75 -> gross 19,750.25; a declined application and
  an award of PY2 are not paid.
- SNF (world.facility): one award of 40,000.00.
- Second run after a further 1,000.00 award to provider a: gross 20,750.25, previously paid
  19,750.25, net 1,000.00; ledger balance 20,750.25.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db.models import Sum
from django.urls import reverse

from payments.models import LedgerEntry
from payments.services import NotAllowed, approve_payment_run, start_payment_run
from portal.accounts.models import FACILITY_ROLES
from portal.models import Notice, Organisation, User
from portal.notifications.services import sweep_due_notices
from programs.ipp.models import IppApplication, IppProgramYear
from programs.ipp.services.applications import decide_application, submit_application
from tests.programs.ipp.factories import program_year

pytestmark = pytest.mark.django_db
D = Decimal


def _award(
    world: Any,
    organisation: Organisation,
    applicant: str,
    year: IppProgramYear,
    amount: str,
    decision: str = "approved",
) -> IppApplication:
    application = submit_application(
        organisation=organisation,
        program_year=year,
        title=f"Investment of {amount}",
        purpose="Care coordination capacity",
        priority_area=1,
        budget_lines=[("Staff and software", D("50000.00"))],
        actor=world.users[applicant],
    )
    return decide_application(
        application=application,
        decision=decision,
        reason="Fills a gap in the county",
        actor=world.users["program_admin"],
        amount=D(amount) if decision == "approved" else None,
    )


def _run(world: Any) -> Any:
    run = start_payment_run(
        program="ipp", program_year=2022, kind="award", started_by=world.users["finance_analyst"]
    )
    with pytest.raises(NotAllowed):  # the analyst who drafted it cannot post it
        approve_payment_run(run=run, approver=world.users["finance_analyst"])
    return approve_payment_run(run=run, approver=world.users["finance_approver"])


@pytest.fixture
def posted(world: Any) -> dict[str, Any]:
    py1, py2 = program_year(1), program_year(2)
    ecm = world.ecm_provider_a
    _award(world, ecm, "ecm_provider_admin", py1, "12500.50")
    _award(world, ecm, "ecm_provider_staff", py1, "7249.75")
    _award(world, ecm, "ecm_provider_admin", py1, "0", decision="declined")
    _award(world, ecm, "ecm_provider_admin", py2, "3000.00")
    _award(world, world.facility, "facility_admin", py1, "40000.00")
    run = _run(world)
    return {"run": run, "ecm": ecm, "py1": py1}


def test_one_run_pays_an_ecm_providers_and_a_snfs_awards_into_the_ledger(world, posted):
    run, ecm = posted["run"], posted["ecm"]
    assert run.status == "posted"
    assert run.started_by == world.users["finance_analyst"]
    assert run.approved_by == world.users["finance_approver"]
    lines = {line.facility_id: line for line in run.lines.all()}
    assert {k: (v.gross_amount, v.net_amount, v.details["awards"]) for k, v in lines.items()} == {
        ecm.pk: (D("19750.25"), D("19750.25"), 2),
        world.facility.pk: (D("40000.00"), D("40000.00"), 1),
    }
    entries = LedgerEntry.objects.filter(program="ipp", program_year=2022)
    assert sorted((e.facility_id, e.amount, e.kind, e.payment_line_id) for e in entries) == sorted(
        [
            (ecm.pk, D("19750.25"), "payment", lines[ecm.pk].pk),
            (world.facility.pk, D("40000.00"), "payment", lines[world.facility.pk].pk),
        ]
    )
    # a further award: the next run pays only the difference
    _award(world, ecm, "ecm_provider_admin", posted["py1"], "1000.00")
    second = _run(world).lines.get(facility_id=ecm.pk)
    assert (second.gross_amount, second.previously_paid, second.net_amount) == (
        D("20750.25"),
        D("19750.25"),
        D("1000.00"),
    )
    balance = LedgerEntry.objects.filter(program="ipp", facility_id=ecm.pk).aggregate(
        t=Sum("amount")
    )["t"]
    assert balance == D("20750.25")


@pytest.mark.parametrize("role", ["ecm_provider_staff", "ecm_provider_admin"])
def test_ecm_provider_users_see_their_ipp_payment_and_not_the_snfs(world, client_as, posted, role):
    run, ecm = posted["run"], posted["ecm"]
    own = run.lines.get(facility_id=ecm.pk)
    snf = run.lines.get(facility_id=world.facility.pk)
    client = client_as(role)
    page = client.get(reverse("payments:facility_payments", args=[ecm.npi]))
    assert page.status_code == 200
    assert "19,750.25" in page.content.decode()
    statement = client.get(reverse("payments:statement_csv", args=[own.pk])).content.decode()
    assert f"Provider,{ecm.name}" in statement
    assert "Program,IPP" in statement
    assert "Net amount,19750.25" in statement
    assert client.get(reverse("payments:statement_pdf", args=[own.pk])).status_code == 200
    ledger = client.get(reverse("payments:ledger")).content.decode()
    assert ecm.name in ledger
    assert world.facility.name not in ledger
    urls = [
        reverse("payments:facility_payments", args=[world.facility.npi]),
        reverse("payments:statement_csv", args=[snf.pk]),
        reverse("payments:statement_pdf", args=[snf.pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


def test_snf_users_get_404_on_the_ecm_providers_ipp_payment(world, client_as, posted):
    own = posted["run"].lines.get(facility_id=world.facility.pk)
    other = posted["run"].lines.get(facility_id=posted["ecm"].pk)
    client = client_as("facility_staff")
    assert client.get(reverse("payments:statement_csv", args=[own.pk])).status_code == 200
    urls = [
        reverse("payments:facility_payments", args=[posted["ecm"].npi]),
        reverse("payments:statement_csv", args=[other.pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


def test_payment_issued_notices_go_to_each_providers_own_users_without_amounts(world, posted):
    sweep_due_notices()
    ecm_line = posted["run"].lines.get(facility_id=posted["ecm"].pk)
    ecm_users = [world.users["ecm_provider_admin"], world.users["ecm_provider_staff"]]
    for user in ecm_users:
        notices = list(Notice.objects.filter(user=user, kind="ipp_payment_issued"))
        assert [n.link for n in notices] == [f"/payments/facilities/{posted['ecm'].npi}/"]
        assert notices[0].scheduled is not None
        assert notices[0].scheduled.subject == ecm_line
        assert not Notice.objects.filter(user=user, kind="payment_issued").exists()
    assert not Notice.objects.filter(
        kind="ipp_payment_issued", user__role__in=FACILITY_ROLES
    ).exists()
    snf_told = User.objects.filter(notices__kind="payment_issued").distinct()
    assert set(snf_told) == {world.users["facility_staff"], world.users["facility_admin"]}
    issued = [m for m in mail.outbox if m.subject == "An IPP payment for 2022 has been issued"]
    assert sorted(m.to[0] for m in issued) == sorted(u.email for u in ecm_users)
    assert f"payment to {posted['ecm'].name}" in issued[0].body
    assert all("19750.25" not in m.body and "19,750.25" not in m.body for m in mail.outbox)
