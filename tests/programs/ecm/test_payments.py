"""ECM QIP paid through the core's payment runs: a run pays each provider its published months
scored together, a second person approves, the ledger records it; a resubmission that lowers a
paid month is recouped by a supplemental run. Provider users see only their own payments.

Figures (2026 defaults: timeliness model, $10 per eligible member-month, RTF and OTF shares
1/2 each; only RTFs are sent, on time, so the weighted success is 1/2 when every month has
its RTF on time):
- Cedar Street (provider a): Jan, Feb, Mar RTFs of 40 rows, 38 eligible each (rows 0 and 20
  Pending): 114 member-months x $10 x 1/2 = $570.00.
- Dogwood (provider b): March RTF only, 21 rows, 19 eligible: 19 x $10 = $190 x (1/2 x 1/3 on
  time RTF months) = $31.666... -> $31.67.
- Cedar Street resubmits March with 21 rows (19 eligible; the month stays on time, its first
  file was): 95 member-months x $10 x 1/2 = $475.00; supplemental net $475.00 - $570.00 =
  -$95.00, a recoupment; ledger balance $475.00.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum
from django.urls import reverse

from payments.calculators import PaymentRunError, get_calculator
from payments.models import LedgerEntry, PaymentLine, PaymentRun
from payments.services import (
    StaleRunError,
    TwoPersonRuleError,
    approve_payment_run,
    start_payment_run,
)
from portal.accounts.models import FACILITY_ROLES
from portal.models import Notice, Role, ScheduledNotice, User
from portal.notifications.services import sweep_due_notices
from programs.ecm.models import MonthScore
from programs.ecm.payments import EcmCalculator
from programs.ecm.reminders import produce_scores
from programs.ecm.services.settings import create_year
from tests.programs.ecm.factories import make_provider_user, pacific, rtf_content, send
from tests.roles import ROLES

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def setup(world, monkeypatch):
    year = create_year(year=2026, actor=world.users["program_admin"])
    a, b = world.ecm_provider_a, world.ecm_provider_b
    a_admin, b_admin = world.users["ecm_provider_admin"], make_provider_user(b)
    for month in (1, 2, 3):
        send(
            monkeypatch,
            provider=a,
            user=a_admin,
            year=year,
            month=month,
            kind="rtf",
            content=rtf_content(a, 2026, month, 40),
            at=pacific(2026, month + 1, 8),
        )
    send(
        monkeypatch,
        provider=b,
        user=b_admin,
        year=year,
        month=3,
        kind="rtf",
        content=rtf_content(b, 2026, 3, 21),
        at=pacific(2026, 4, 8),
    )
    produce_scores(datetime.date(2026, 4, 11))  # Jan-Mar past due: published
    return {"year": year, "a": a, "b": b, "a_admin": a_admin, "monkeypatch": monkeypatch}


def run_and_post(world, kind: str) -> PaymentRun:
    run = start_payment_run(
        program="ecm", program_year=2026, kind=kind, started_by=world.users["finance_analyst"]
    )
    approve_payment_run(run=run, approver=world.users["finance_approver"])
    run.refresh_from_db()
    return run


def balance(provider) -> Decimal:
    return LedgerEntry.objects.filter(
        facility=provider, program="ecm", program_year=2026
    ).aggregate(total=Sum("amount"))["total"]


def test_calculator_is_registered_by_the_ecm_app():
    assert isinstance(get_calculator("ecm"), EcmCalculator)


def test_first_run_pays_the_published_months_scored_together(setup, world):
    s = setup
    run = run_and_post(world, "interim")
    assert run.status == PaymentRun.Status.POSTED
    lines = {line.facility_id: line for line in run.lines.all()}
    assert set(lines) == {s["a"].pk, s["b"].pk}
    a, b = lines[s["a"].pk], lines[s["b"].pk]
    assert (a.gross_amount, a.previously_paid, a.net_amount) == (D("570.00"), D("0"), D("570.00"))
    assert a.details["months"] == "Jan\u2013Mar"
    assert a.details["member_months"] == 114
    assert (b.gross_amount, b.net_amount) == (D("31.67"), D("31.67"))
    assert b.details["member_months"] == 19
    assert balance(s["a"]) == D("570.00")
    assert balance(s["b"]) == D("31.67")
    assert LedgerEntry.objects.get(facility=s["a"]).kind == LedgerEntry.Kind.PAYMENT


def test_a_lowering_resubmission_is_recouped_by_a_supplemental_run(setup, world):
    s = setup
    run_and_post(world, "interim")
    send(
        s["monkeypatch"],
        provider=s["a"],
        user=s["a_admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["a"], 2026, 3, 21),
        at=pacific(2026, 4, 20),
    )
    march = MonthScore.objects.get(provider=s["a"], month=3)
    assert (march.eligible_members, march.published_at is not None) == (19, True)
    supplemental = run_and_post(world, "supplemental")
    line = supplemental.lines.get(facility_id=s["a"].pk)
    assert (line.gross_amount, line.previously_paid, line.net_amount) == (
        D("475.00"),
        D("570.00"),
        D("-95.00"),
    )
    entry = LedgerEntry.objects.get(run=supplemental, facility=s["a"])
    assert (entry.kind, entry.amount) == (LedgerEntry.Kind.RECOUPMENT, D("-95.00"))
    assert balance(s["a"]) == D("475.00")
    # Dogwood did not change: a 0.00 net, nothing new on its ledger
    other = supplemental.lines.get(facility_id=s["b"].pk)
    assert other.net_amount == D("0.00")
    assert balance(s["b"]) == D("31.67")


def test_the_run_needs_a_second_person(setup, world):
    approver = world.users["finance_approver"]
    run = start_payment_run(program="ecm", program_year=2026, kind="interim", started_by=approver)
    with pytest.raises(TwoPersonRuleError):
        approve_payment_run(run=run, approver=approver)
    assert not LedgerEntry.objects.exists()


def test_a_final_run_needs_every_month_published(setup, world):
    with pytest.raises(PaymentRunError, match="all twelve months published; published: Jan"):
        start_payment_run(
            program="ecm",
            program_year=2026,
            kind="final",
            started_by=world.users["finance_analyst"],
        )
    assert not PaymentRun.objects.exists()


def test_a_rescore_after_the_draft_makes_it_stale(setup, world):
    s = setup
    run = start_payment_run(
        program="ecm", program_year=2026, kind="interim", started_by=world.users["finance_analyst"]
    )
    send(
        s["monkeypatch"],
        provider=s["a"],
        user=s["a_admin"],
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["a"], 2026, 3, 21),
        at=pacific(2026, 4, 20),
    )
    with pytest.raises(StaleRunError):
        approve_payment_run(run=run, approver=world.users["finance_approver"])
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("role", ["ecm_provider_staff", "ecm_provider_admin"])
def test_ecm_provider_users_see_only_their_own_payments(setup, world, client_as, role):
    s = setup
    run = run_and_post(world, "interim")
    own = run.lines.get(facility_id=s["a"].pk)
    other = run.lines.get(facility_id=s["b"].pk)
    client = client_as(role)
    page = client.get(reverse("payments:facility_payments", args=[s["a"].npi]))
    assert page.status_code == 200
    assert "570.00" in page.content.decode()
    assert "WQIP-eligible" not in page.content.decode()
    statement = client.get(reverse("payments:statement_csv", args=[own.pk]))
    assert statement.status_code == 200
    assert "Net amount,570.00" in statement.content.decode()
    assert client.get(reverse("payments:statement_pdf", args=[own.pk])).status_code == 200
    ledger = client.get(reverse("payments:ledger")).content.decode()
    assert s["a"].name in ledger
    assert s["b"].name not in ledger
    urls = [
        reverse("payments:facility_payments", args=[s["b"].npi]),
        reverse("payments:statement_csv", args=[other.pk]),
        reverse("payments:statement_pdf", args=[other.pk]),
        reverse("payments:facility_payments", args=[world.facility_a.npi]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


@pytest.mark.parametrize("role", ["facility_staff", "facility_admin"])
def test_snf_users_get_404_on_ecm_payments(setup, world, client_as, role):
    s = setup
    run = run_and_post(world, "interim")
    line = run.lines.get(facility_id=s["a"].pk)
    client = client_as(role)
    urls = [
        reverse("payments:facility_payments", args=[s["a"].npi]),
        reverse("payments:statement_csv", args=[line.pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    assert s["a"].name not in client.get(reverse("payments:ledger")).content.decode()
    assert PaymentLine.objects.filter(run=run).count() == 2


# every role on an ECM provider's payment pages (the matrix rows of these URL names use a SNF
# facility's objects; this is the same row with the ECM provider's)
ECM_PAYMENT_ROW = {
    "anonymous": 302,
    "facility_staff": 404,
    "facility_admin": 404,
    "other_facility_staff": 404,
    "ltss_liaison": 200,
    "finance_analyst": 200,
    "finance_approver": 200,
    "program_admin": 200,
    "ecm_provider_staff": 200,
    "ecm_provider_admin": 200,
    "ecm_program_manager": 200,
}


def test_every_role_on_an_ecm_providers_payment_pages(setup, world, client_as):
    s = setup
    line = run_and_post(world, "interim").lines.get(facility_id=s["a"].pk)
    urls = [
        reverse("payments:facility_payments", args=[s["a"].npi]),
        reverse("payments:statement_pdf", args=[line.pk]),
        reverse("payments:statement_csv", args=[line.pk]),
    ]
    assert set(ECM_PAYMENT_ROW) == set(ROLES)
    got = {(role, url): client_as(role).get(url).status_code for role in ROLES for url in urls}
    expected = {(role, url): ECM_PAYMENT_ROW[role] for role in ROLES for url in urls}
    assert got == expected


def test_finance_reads_an_ecm_run_its_figures_and_file(setup, world, client_as):
    s = setup
    run = start_payment_run(
        program="ecm", program_year=2026, kind="interim", started_by=world.users["finance_analyst"]
    )
    client = client_as("finance_approver")
    page = client.get(reverse("payments:run_detail", args=[run.pk])).content.decode()
    assert s["a"].name in page
    assert "Jan\u2013Mar" in page
    assert "570.00" in page
    export = client.get(reverse("payments:run_export", args=[run.pk, "csv"]))
    rows = {r["facility_npi"]: r for r in csv.DictReader(io.StringIO(export.content.decode()))}
    a = rows[s["a"].npi]
    assert (a["months"], a["member_months"], a["gross_amount"], a["net_amount"]) == (
        "Jan\u2013Mar",
        "114",
        "570.00",
        "570.00",
    )
    assert (a["success"], a["points"]) == ("0.5000", "")
    statement_line = run_and_post(world, "supplemental").lines.get(facility_id=s["a"].pk)
    statement = client.get(reverse("payments:statement_csv", args=[statement_line.pk]))
    assert "Provider," + s["a"].name in statement.content.decode()


def test_payment_issued_notices_tell_each_provider_about_its_own_line(setup, world):
    """Interim: both providers paid, each told once about its own line (mandatory e-mail, no
    amount). Supplemental: Cedar Street's recoupment is announced; Dogwood's 0.00 line is not."""
    s = setup
    b_staff = make_provider_user(s["b"], role=Role.ECM_PROVIDER_STAFF)
    run = run_and_post(world, "interim")
    sweep_due_notices()
    sweep_due_notices()
    a_admin, a_staff = s["a_admin"], world.users["ecm_provider_staff"]
    b_admin = User.objects.get(role=Role.ECM_PROVIDER_ADMIN, memberships__organisation=s["b"])
    told = ((a_admin, s["a"]), (a_staff, s["a"]), (b_admin, s["b"]), (b_staff, s["b"]))
    for user, provider in told:
        notices = list(Notice.objects.filter(user=user, kind="ecm_payment_issued"))
        assert [n.link for n in notices] == [f"/payments/facilities/{provider.npi}/"]
        line = run.lines.get(facility_id=provider.pk)
        assert notices[0].scheduled is not None
        assert notices[0].scheduled.subject == line
    snf_users = Notice.objects.filter(kind="ecm_payment_issued", user__role__in=FACILITY_ROLES)
    assert not snf_users.exists()
    issued = [m for m in mail.outbox if m.subject == "An ECM QIP payment for 2026 has been issued"]
    assert sorted(m.to[0] for m in issued) == sorted(user.email for user, _ in told)
    assert all("570.00" not in m.body and "31.67" not in m.body for m in mail.outbox)
    # a lowering resubmission, then the supplemental run: only the recoupment is announced
    send(
        s["monkeypatch"],
        provider=s["a"],
        user=a_admin,
        year=s["year"],
        month=3,
        kind="rtf",
        content=rtf_content(s["a"], 2026, 3, 21),
        at=pacific(2026, 4, 20),
    )
    mail.outbox.clear()
    supplemental = run_and_post(world, "supplemental")
    sweep_due_notices()
    assert ScheduledNotice.objects.filter(kind="ecm_payment_issued").count() == 3
    recouped = ScheduledNotice.objects.filter(kind="ecm_payment_issued").order_by("pk").last()
    assert recouped is not None
    assert recouped.subject == supplemental.lines.get(facility_id=s["a"].pk)
    recoupment = "An ECM QIP recoupment for 2026 has been issued"
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        (user.email, recoupment) for user in (a_admin, a_staff)
    )
    assert "recoupment from " + s["a"].name in mail.outbox[0].body
