# ruff: noqa: T201  (a command-line benchmark prints its results)
"""`make bench` / `python -m tests.bench [SIZES...]`: timed claims import + bed-day computation.

Uses its own database: DATABASE_URL with the suffix `_bench` (created when missing), or the
embedded PostgreSQL when DATABASE_URL is not set. Sizes are claim lines: 100k 1M 5M by default.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

SIZES = {"100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}


def _bench_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    parts = urlparse(url)
    name = parts.path.lstrip("/") + "_bench"
    import psycopg

    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path="/" + name))


def _peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("sizes", nargs="*", default=list(SIZES), help="100k, 1M, 5M or a number")
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args(argv)

    url = _bench_database_url()
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.setdefault("WQIP_VAR_DIR", str(Path(tempfile.gettempdir()) / "wqip-bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.models import Facility
    from portal.registry.services import bulk_create_facilities
    from programs.wqip.models import BedDaySummary
    from programs.wqip.services.bed_days import compute_bed_days
    from programs.wqip.services.claims_import import import_claims
    from tests.bench.generator import YEAR, facilities, write_claims_file
    from tests.bench.pages import RUNS, time_report_pages

    call_command("migrate", verbosity=0)
    print(f"database: {connection.settings_dict['NAME']}; CPUs: {os.cpu_count()}")
    print(
        f"{'lines':>10} {'import s':>9} {'compute s':>10} {'total s':>8} "
        f"{'lines/s':>10} {'qualifying':>11} {'peak MB':>8}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="wqip-bench-"))
    page_timings = []
    for label in args.sizes:
        size = SIZES.get(label) or int(label)
        path = workdir / f"claims_{size}.csv"
        write_claims_file(path, size)
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE wqip_beddaylinerange, wqip_beddaymemberrange, "
                "wqip_beddaymonth, wqip_beddaysummary, wqip_beddaycomputation, "
                "wqip_claimline, wqip_claim"
            )
        if not Facility.objects.exists():
            bulk_create_facilities(Facility(**row) for row in facilities())
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
            cursor.execute("VACUUM ANALYZE portal_facility")
            cursor.execute("VACUUM ANALYZE portal_organisation")
        started = time.perf_counter()
        summary = import_claims(path=path)
        imported = time.perf_counter()
        computation = compute_bed_days(program_year=YEAR)
        finished = time.perf_counter()
        qualifying = sum(
            BedDaySummary.objects.filter(computation=computation).values_list(
                "qualifying_days", flat=True
            )
        )
        total = finished - started
        print(
            f"{summary.lines_read:>10,} {imported - started:>9.1f} {finished - imported:>10.1f} "
            f"{total:>8.1f} {summary.lines_read / total:>10,.0f} {qualifying:>11,} "
            f"{_peak_memory_mb():>8.0f}",
            flush=True,
        )
        page_timings += time_report_pages(YEAR)
        if not args.keep_files:
            path.unlink()
    if not args.keep_files:
        workdir.rmdir()
    print(
        f"\nbed-day report pages, facility with the most claim lines, best of {RUNS} warm renders:"
    )
    print(f"{'facility claim lines':>21} {'ms':>7} {'queries':>8}  page")
    for t in page_timings:
        print(f"{t.claim_lines:>21,} {t.best_ms:>7.1f} {t.queries:>8}  {t.page}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
