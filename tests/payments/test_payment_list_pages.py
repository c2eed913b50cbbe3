"""The payment run and ledger pages grow with the registry: 50 rows a page, search by facility
name or NPI, a choice of order, totals over every matching row, downloads unchanged."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments.models import LedgerEntry, PaymentLine, PaymentRun
from payments.selectors import LEDGER_SORTS, RUN_LINE_SORTS
from payments.views import LEDGER_SORT_LABELS, RUN_LINE_SORT_LABELS
from portal.models import Role
from portal.money import format_money
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.factories import PerDiemExhibitFactory, wqip_run_parameters
from tests.roles import give_totp

pytestmark = pytest.mark.django_db

HOSTILE_PARAMS = [
    {"page": "abc"},
    {"page": "0"},
    {"page": "-1"},
    {"page": "1e3"},
    {"page": "٣"},
    {"page": "9" * 40},
    {"page": "2\x00"},
    {"sort": "drop table"},
    {"sort": "facility__tin"},
    {"sort": "-" * 500},
    {"q": "Home\x00 1"},
    {"q": "%' OR 1=1 --"},
    {"q": "x" * 5000},
]


def staff(role: str):  # type: ignore[no-untyped-def]
    user = UserFactory.create(role=role)
    give_totp(user)
    return user


def homes(count: int, *, start: int = 1) -> list:  # type: ignore[type-arg]
    return [FacilityFactory.create(name=f"List Home {n:02d}") for n in range(start, start + count)]


def run_with_lines(facilities, *, started_by=None) -> PaymentRun:  # type: ignore[no-untyped-def]
    """A draft whose line n has gross 20 x ((7n mod 55) + 1) and previously paid 10n, so each
    order (name, NPI, net, gross) is different."""
    run = PaymentRun.objects.create(
        program="wqip",
        program_year=2024,
        kind="interim",
        parameters=wqip_run_parameters(PerDiemExhibitFactory.create()),
        status=PaymentRun.Status.DRAFT,
        started_by=started_by,
        inputs_digest=uuid.uuid4().hex,  # one draft per inputs
    )
    lines = []
    for n, facility in enumerate(facilities, start=1):
        gross = Decimal(20 * ((7 * n) % 55 + 1))
        lines.append(
            PaymentLine(
                run=run,
                facility=facility,
                status="payable",
                details={
                    "computed_bed_days": n,
                    "adjustment_days": 0,
                    "qualifying_bed_days": n,
                    "per_diem": "20.0000",
                    "citation_class": "NONE",
                    "class_a_count": 0,
                    "factor": "1.00",
                },
                gross_amount=gross,
                previously_paid=Decimal(10 * n),
                net_amount=gross - Decimal(10 * n),
                due_date=datetime.date(2099, 6, 26),
            )
        )
    PaymentLine.objects.bulk_create(lines)
    return run


def ledger_entries(facilities, *, start: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Facility n: a payment of 10n, and for even n a recoupment of n as well."""
    entries = []
    for n, facility in enumerate(facilities, start=start):
        entries.append(_entry(facility, Decimal(10 * n)))
        if n % 2 == 0:
            entries.append(_entry(facility, Decimal(-n)))
    LedgerEntry.objects.bulk_create(entries)


def _entry(facility, amount: Decimal) -> LedgerEntry:  # type: ignore[no-untyped-def]
    return LedgerEntry(
        facility=facility,
        program_year=2024,
        kind=LedgerEntry.Kind.PAYMENT if amount > 0 else LedgerEntry.Kind.RECOUPMENT,
        amount=amount,
        posted_at=timezone.now(),
    )


def get(client, url_name: str, *args, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse(f"payments:{url_name}", args=args), params)


def line_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.facility.name for line in response.context["lines"]]


def balance_names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["facility__name"] for row in response.context["page"].object_list]


@pytest.fixture
def big_run():  # type: ignore[no-untyped-def]
    return run_with_lines(homes(55))


@pytest.fixture
def big_ledger():  # type: ignore[no-untyped-def]
    facilities = homes(55)
    ledger_entries(facilities)
    return facilities


# --- payment run detail and approval -----------------------------------------------------------


def test_given_run_of_55_when_detail_opened_then_50_shown_and_totals_over_all_55(client, big_run):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = get(client, "run_detail", big_run.pk)
    # then
    lines = PaymentLine.objects.filter(run=big_run)
    assert len(line_names(response)) == 50
    assert "Page 1 of 2" in response.content.decode()
    assert response.context["totals"]["net"] == sum(line.net_amount for line in lines)
    assert response.context["totals"]["gross"] == sum(line.gross_amount for line in lines)
    assert response.context["totals"]["column_qualifying_bed_days"] == sum(range(1, 56))
    assert "Totals of all 55 rows" in response.content.decode()


def test_given_run_of_55_when_page_2_opened_then_rows_51_to_55(client, big_run):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    by_npi = [line.facility.name for line in big_run.lines.order_by("facility__npi")]
    # when
    response = get(client, "run_detail", big_run.pk, page="2")
    # then
    assert line_names(response) == by_npi[50:]


def test_given_search_when_run_detail_opened_then_matching_lines_and_their_totals(client, big_run):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    matching = big_run.lines.filter(facility__name__startswith="List Home 1")
    npi = big_run.lines.get(facility__name="List Home 07").facility.npi
    # when
    by_name = get(client, "run_detail", big_run.pk, q="home 1")
    by_npi = get(client, "run_detail", big_run.pk, q=npi)
    # then
    assert line_names(by_name) == [f"List Home {n}" for n in range(10, 20)]
    assert by_name.context["totals"]["net"] == sum(line.net_amount for line in matching)
    assert line_names(by_npi) == ["List Home 07"]


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("npi", lambda line: line.facility.npi, False),
        ("name", lambda line: line.facility.name, False),
        ("-name", lambda line: line.facility.name, True),
        ("-net", lambda line: line.net_amount, True),
        ("net", lambda line: line.net_amount, False),
        ("-gross", lambda line: line.gross_amount, True),
    ],
)
def test_given_sort_when_run_detail_opened_then_lines_in_that_order(
    client, big_run, sort, key, reverse
):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    lines = list(big_run.lines.select_related("facility"))
    expected = [line.facility.name for line in sorted(lines, key=key, reverse=reverse)][:50]
    # when
    response = get(client, "run_detail", big_run.pk, sort=sort)
    # then
    assert line_names(response) == expected


@pytest.mark.parametrize("params", HOSTILE_PARAMS)
def test_given_odd_parameters_when_run_detail_opened_then_first_page_in_npi_order(
    client, big_run, params
):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = get(client, "run_detail", big_run.pk, **params)
    # then
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert response.context["sort"] in RUN_LINE_SORTS
    assert "\x00" not in response.context["query"]


def test_given_run_of_5_or_60_when_detail_opened_then_same_number_of_queries(client):
    # given
    facilities = homes(60)
    small, large = run_with_lines(facilities[:5]), run_with_lines(facilities)
    client.force_login(staff(Role.FINANCE_ANALYST))
    get(client, "run_detail", small.pk)  # the session and the user are loaded once
    # when
    with CaptureQueriesContext(connection) as small_queries:
        get(client, "run_detail", small.pk)
    with CaptureQueriesContext(connection) as large_queries:
        get(client, "run_detail", large.pk)
    # then
    assert len(large_queries) == len(small_queries)


def test_given_run_of_55_when_approval_page_opened_then_paginated_with_whole_run_net(client):
    # given
    analyst = staff(Role.FINANCE_ANALYST)
    run = run_with_lines(homes(55), started_by=analyst)
    client.force_login(staff(Role.FINANCE_APPROVER))
    whole_net = sum(line.net_amount for line in run.lines.all())
    # when
    response = get(client, "run_approve", run.pk, q="home 5")
    # then
    assert line_names(response) == [f"List Home {n}" for n in range(50, 56)]
    assert f"total net <strong>{format_money(whole_net)}</strong>" in response.content.decode()


def test_given_run_of_55_when_csv_downloaded_then_every_line_whatever_the_page(client, big_run):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = client.get(
        reverse("payments:run_export", args=[big_run.pk, "csv"]) + "?page=2&q=Home+1"
    )
    # then
    assert len(response.content.decode().splitlines()) == 1 + 55


def test_run_line_sort_labels_name_every_sort():
    assert list(RUN_LINE_SORT_LABELS) == list(RUN_LINE_SORTS)


# --- ledger balances ---------------------------------------------------------------------------


def test_given_55_balances_when_ledger_opened_then_50_shown_and_totals_over_all_55(
    client, big_ledger
):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = get(client, "ledger")
    # then
    evens = sum(range(2, 56, 2))
    assert len(balance_names(response)) == 50
    assert "Page 1 of 2" in response.content.decode()
    assert response.context["totals"] == {
        "paid": Decimal(10 * sum(range(1, 56))),
        "recouped": Decimal(-evens),
        "balance": Decimal(10 * sum(range(1, 56)) - evens),
        "entries": 55 + 27,
    }


def test_given_55_balances_when_ledger_page_2_opened_then_rows_51_to_55(client, big_ledger):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = get(client, "ledger", page="2")
    # then
    assert balance_names(response) == [f"List Home {n}" for n in range(51, 56)]


def test_given_search_when_ledger_opened_then_matching_balances_and_their_totals(
    client, big_ledger
):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    by_name = get(client, "ledger", q="Home 2")
    by_npi = get(client, "ledger", q=big_ledger[6].npi)
    # then
    assert balance_names(by_name) == [f"List Home {n}" for n in range(20, 30)]
    assert by_name.context["totals"]["balance"] == Decimal(
        10 * sum(range(20, 30)) - sum(range(20, 30, 2))
    )
    assert balance_names(by_npi) == ["List Home 07"]


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("name", "List Home 01"),
        ("-name", "List Home 55"),
        ("-balance", "List Home 55"),
        ("balance", "List Home 01"),
    ],
)
def test_given_sort_when_ledger_opened_then_balances_in_that_order(client, big_ledger, sort, first):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = get(client, "ledger", sort=sort)
    # then
    assert balance_names(response)[0] == first


def test_given_sort_by_npi_when_ledger_opened_then_lowest_npi_first(client, big_ledger):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = get(client, "ledger", sort="npi")
    # then
    npis = [row["facility__npi"] for row in response.context["page"].object_list]
    assert npis == sorted(facility.npi for facility in big_ledger)[:50]


@pytest.mark.parametrize("params", HOSTILE_PARAMS)
def test_given_odd_parameters_when_ledger_opened_then_first_page_by_name(
    client, big_ledger, params
):
    # given
    client.force_login(staff(Role.FINANCE_ANALYST))
    # when
    response = get(client, "ledger", **params)
    # then
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert response.context["sort"] in LEDGER_SORTS


def test_given_facility_user_when_searching_ledger_then_only_own_balances_and_totals(
    client, big_ledger
):
    # given
    client.force_login(UserFactory.create(role=Role.FACILITY_STAFF, facilities=[big_ledger[2]]))
    # when
    response = get(client, "ledger", q="List Home")
    # then
    assert balance_names(response) == ["List Home 03"]
    assert response.context["totals"]["balance"] == Decimal(30)


def test_given_5_or_60_balances_when_ledger_opened_then_same_number_of_queries(client):
    # given
    facilities = homes(60)
    ledger_entries(facilities[:5])
    client.force_login(staff(Role.FINANCE_ANALYST))
    get(client, "ledger")  # the session and the user are loaded once
    with CaptureQueriesContext(connection) as small_queries:
        get(client, "ledger")
    ledger_entries(facilities[5:], start=6)
    # when
    with CaptureQueriesContext(connection) as large_queries:
        get(client, "ledger")
    # then
    assert len(large_queries) == len(small_queries)


def test_ledger_sort_labels_name_every_sort():
    assert list(LEDGER_SORT_LABELS) == list(LEDGER_SORTS)
