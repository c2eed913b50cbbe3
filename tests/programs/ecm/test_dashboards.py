"""Dashboards: the provider's months (late ones and their cost, what to improve), the plan's
sortable table and its CSV/XLSX; masked CINs and the access log on a file's rows; query counts
that do not grow with the data."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AccessLogEntry
from programs.ecm.services.settings import create_year
from tests.programs.ecm.factories import (
    make_provider,
    make_provider_user,
    otf_content,
    pacific,
    rtf_content,
    send,
)

pytestmark = pytest.mark.django_db
D = Decimal


def load_months(monkeypatch, provider, user, year, months, late=()):
    for month in months:
        due_day = 10 if month not in late else 12
        at = pacific(2026 if month < 12 else 2027, month % 12 + 1, due_day)
        send(
            monkeypatch,
            provider=provider,
            user=user,
            year=year,
            month=month,
            kind="rtf",
            content=rtf_content(provider, 2026, month, 20),
            at=at,
        )
        send(
            monkeypatch,
            provider=provider,
            user=user,
            year=year,
            month=month,
            kind="otf",
            content=otf_content(provider, 2026, month, 6),
            at=pacific(2026, month + 1, 5),
        )


@pytest.fixture
def data(world, monkeypatch):
    year = create_year(year=2026, actor=world.users["program_admin"])
    harbor, valley = make_provider("harbor"), make_provider("valley")
    admin = make_provider_user(harbor)
    valley_admin = make_provider_user(valley)
    load_months(monkeypatch, harbor, admin, year, [1, 2, 3], late=[2])
    load_months(monkeypatch, valley, valley_admin, year, [1])
    return {
        "year": year,
        "harbor": harbor,
        "valley": valley,
        "admin": admin,
        "valley_admin": valley_admin,
    }


def test_provider_dashboard_shows_late_month_cost_and_improvements(data, client):
    client.force_login(data["admin"])
    page = client.get(reverse("ecm:provider_dashboard", args=[data["harbor"].pk]), {"year": 2026})
    assert page.status_code == 200
    ytd = page.context["ytd"]
    # 19 eligible a month (member 0 Pending); February's RTF late: 19 + 0 + 19 = 38
    assert ytd.score.member_months == 38
    # $380 pool x (1/2 x 2/3 + 1/2 x 3/3) = $380 x 5/6 = $316.67
    assert ytd.score.amount == D("316.67")
    assert [s.month for s in ytd.late_months] == [2]
    # February alone on time: 19 x $10 x 1 = $190.00; late it scored 0 x ... = $0.00
    assert ytd.lateness_cost == D("190.00")
    assert [i.code for i in ytd.improvements] == ["rtf_timely"]
    body = page.content.decode()
    assert "Late (2 days)" in body
    assert "$190.00" in body


def test_another_providers_dashboard_files_and_rows_are_404(data, client):
    client.force_login(data["admin"])
    valley = data["valley"]
    assert client.get(reverse("ecm:provider_dashboard", args=[valley.pk])).status_code == 404
    assert client.get(reverse("ecm:file_list", args=[valley.pk])).status_code == 404
    assert client.get(reverse("ecm:file_upload", args=[valley.pk])).status_code == 404
    valley_file = valley.ecm_report_files.first()
    assert client.get(reverse("ecm:file_detail", args=[valley_file.pk])).status_code == 404
    assert client.get(reverse("ecm:plan_dashboard")).status_code == 404


def test_provider_sees_masked_cins_and_each_view_is_logged(data, client, world, client_as):
    report = data["harbor"].ecm_report_files.filter(kind="rtf").first()
    client.force_login(data["admin"])
    page = client.get(reverse("ecm:file_detail", args=[report.pk]))
    body = page.content.decode()
    assert "*****001B" in body  # 00100001B
    assert "00100001B" not in body
    entry = AccessLogEntry.objects.get(user=data["admin"])
    assert entry.masked is True
    assert entry.row_count == 20
    plan_page = client_as("program_admin").get(reverse("ecm:file_detail", args=[report.pk]))
    assert "00100001B" in plan_page.content.decode()
    assert (
        AccessLogEntry.objects.filter(user=world.users["program_admin"], masked=False).count() == 1
    )


def test_plan_dashboard_sorts_and_exports(data, client_as):
    client = client_as("finance_analyst")
    page = client.get(
        reverse("ecm:plan_dashboard"), {"year": 2026, "sort": "amount", "dir": "desc"}
    )
    ours = {"Harbor Care Management", "Valley Community ECM"}
    rows = [r for r in page.context["rows"] if r["name"] in ours]
    assert [r["name"] for r in rows] == ["Harbor Care Management", "Valley Community ECM"]
    assert [r["late_months"] for r in rows] == [1, 0]
    assert page.context["rows"][0]["name"] == "Harbor Care Management"  # the most earned
    ascending = client.get(reverse("ecm:plan_dashboard"), {"year": 2026, "sort": "amount"})
    names = [r["name"] for r in ascending.context["rows"] if r["name"] in ours]
    assert names == ["Valley Community ECM", "Harbor Care Management"]
    exported = client.get(reverse("ecm:plan_export", args=["csv"]), {"year": 2026})
    table = list(csv.reader(io.StringIO(exported.content.decode())))
    assert table[0][0] == "provider_name"
    harbor = next(row for row in table if row[0] == "Harbor Care Management")
    assert harbor[1] == "1234567893"
    assert harbor[4] == "1"  # one late month
    assert Decimal(harbor[7]) == sum(s.amount for s in data["harbor"].ecm_month_scores.all())
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("ecm:plan_export", args=["xlsx"]), {"year": 2026}).content)
    )
    assert workbook.active.max_row == len(table)
    assert client.get(reverse("ecm:plan_export", args=["pdf"])).status_code == 404


def test_page_queries_do_not_grow_with_the_data(data, client_as, monkeypatch, client):
    def count(c, url):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    plan = client_as("program_admin")
    client.force_login(data["admin"])
    urls = [
        (plan, reverse("ecm:plan_dashboard")),
        (client, reverse("ecm:provider_dashboard", args=[data["harbor"].pk])),
        (client, reverse("ecm:file_list", args=[data["harbor"].pk])),
    ]
    for c, u in urls:
        c.get(u)  # caches warmed (content types, session)
    before = [count(c, u) for c, u in urls]
    load_months(monkeypatch, data["harbor"], data["admin"], data["year"], [4, 5, 6, 7])
    other = make_provider_user(data["valley"], email="second@valley.example.test")
    load_months(monkeypatch, data["valley"], other, data["year"], [2, 3])
    after = [count(c, u) for c, u in urls]
    assert after == before
