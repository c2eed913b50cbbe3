"""Timed bed-day report pages for the facility with the most claim lines (issue 4, acceptance 4:
under 200 ms, a query count that does not grow with the data). Called by ``tests.bench`` after
each size's computation, against the benchmark's database."""

from __future__ import annotations

import time
from dataclasses import dataclass

RUNS = 5
BENCH_FINANCE_EMAIL = "bench-finance@example.test"
BENCH_FACILITY_EMAIL = "bench-facility@example.test"


@dataclass(frozen=True)
class PageTiming:
    page: str
    claim_lines: int
    best_ms: float
    queries: int


def _users(facility):  # type: ignore[no-untyped-def]
    from allauth.mfa.models import Authenticator

    from portal.models import OrganisationMembership, Role, User

    finance, _ = User.objects.get_or_create(
        email=BENCH_FINANCE_EMAIL,
        defaults={"full_name": "Bench Finance", "role": Role.FINANCE_ANALYST},
    )
    Authenticator.objects.get_or_create(
        user=finance, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    member, _ = User.objects.get_or_create(
        email=BENCH_FACILITY_EMAIL,
        defaults={"full_name": "Bench Facility", "role": Role.FACILITY_STAFF},
    )
    OrganisationMembership.objects.filter(user=member).exclude(organisation=facility).delete()
    OrganisationMembership.objects.get_or_create(user=member, organisation=facility)
    return finance, member


def _timed(client, url: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log is a bounded deque: when full, its length stops growing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # warm-up, and the query count
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        best = min(best, time.perf_counter() - started)
    return best * 1000, len(queries)


def time_report_pages(year: int) -> list[PageTiming]:
    """Best of RUNS warm renders of each page (after one render that counts the queries), each
    drawn in full: the per-user page cache (``portal.pagecache``) is off here, so the figures
    stay comparable with the earlier ones and the query counts are the views' own."""
    from django.test import override_settings

    with override_settings(WQIP_PAGE_CACHE_SECONDS=0):
        return _time_report_pages(year)


def _time_report_pages(year: int) -> list[PageTiming]:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from portal.models import Facility
    from programs.wqip.models import ClaimLine

    biggest = (
        ClaimLine.objects.values("facility_id")
        .annotate(lines=Count("id"))
        .order_by("-lines")
        .first()
    )
    assert biggest is not None, "no claim lines: the bench loads its claims first"
    facility = Facility.objects.get(pk=biggest["facility_id"])
    finance, member = _users(facility)
    report = f"{reverse('wqip:bed_day_report')}?year={year}"
    drill = f"{reverse('wqip:bed_day_facility', args=[facility.pk])}?year={year}"
    pages = [
        ("finance: all facilities", finance, report),
        ("finance: facility drill-down, page 1", finance, drill),
        ("finance: facility drill-down, page 50", finance, f"{drill}&page=50"),
        ("facility user: own facilities", member, report),
        ("facility user: drill-down, page 1 (masked)", member, drill),
    ]
    timings = []
    for label, user, url in pages:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        best_ms, queries = _timed(client, url)
        timings.append(PageTiming(label, biggest["lines"], best_ms, queries))
    return timings
