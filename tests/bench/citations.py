# ruff: noqa: T201  (a command-line benchmark prints its results)
"""`python -m tests.bench.citations [ROWS]`: the statewide CDPH enforcement file imported
(issue 24, acceptance 3: 41,000 rows in under 10 s).

Writes a State Enforcement Actions workbook of ROWS rows (default 41,000) with the 32 published
columns, every facility type since 1997, 40% of the rows for the 1,200 registry SNFs, and the
same data as a dashboard export saved through Excel (CSV, FACIDs without leading zeros, dates as
serial numbers); times ``import_citations`` (read + check + store) on each: a first import into
an empty table, then the same file again (nothing changes). Same database rules as
``python -m tests.bench``."""

from __future__ import annotations

import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROWS = 41_000
REGISTRY_SHARE = 0.4
CLASSES = [
    ("AA", "AA"),
    ("A", "A"),
    ("A", "A Trebled"),
    ("AA", "Dismissed by Court"),
    ("B", "B"),
    ("B", ""),
    ("AP IJ", ""),
    ("AP NON-IJ", "DISMISSED"),
    ("AA\t", ""),
    ("A", "APPEAL WITHDRAWN BY"),
]


def write_files(folder: Path, rows: int, facids: list[str], seed: int = 24) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from tests.state_files import DASHBOARD_COLUMNS, SEA_COLUMNS, excel_serial

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("SEA")
    sheet.append(SEA_COLUMNS)
    dashboard = [",".join(f'"{c}"' for c in DASHBOARD_COLUMNS)]
    first = datetime.date(1997, 7, 1)
    for n in range(rows):
        facid = (
            rng.choice(facids)
            if rng.random() < REGISTRY_SHARE
            else f"{rng.randrange(10**8, 10**9):09d}"
        )
        violation = first + datetime.timedelta(days=rng.randrange(0, 10_300))
        issued = violation + datetime.timedelta(days=rng.randrange(10, 200))
        initial, final = rng.choice(CLASSES)
        number = f"{n + 10_000_000:09d}"
        values = {
            "EVENTID": f"EV{n}",
            "FACID": facid,
            "FACILITY_NAME": f"FACILITY {facid}",
            "FAC_TYPE_CODE": "SNF",
            "FAC_FDR": "SKILLED NURSING FACILITY",
            "DISTRICT_OFFICE": "LOS ANGELES",
            "LTC": "LTC",
            "PENALTY_NUMBER": number,
            "PENALTY_ISSUE_DATE": issued,
            "VIOLATION_FROM_DATE": violation,
            "PENALTY_TYPE": "Citation",
            "PENALTY_DETAIL": f"Citation {initial.strip()} (HSC 1424)",
            "PENALTY_CATEGORY": "Patient Care",
            "DISPOSITION": "Closed",
            "CLASS_ASSESSED_INITIAL": initial,
            "CLASS_ASSESSED_FINAL": final or None,
            "DEATH_RELATED": "N",
            "APPEALED": "N",
            "TOTAL_AMOUNT_INITIAL": 20000.0,
            "TOTAL_AMOUNT_DUE_FINAL": 20000.0,
            "SFY": f"{issued.year}-{issued.year + 1}",
        }
        sheet.append([values.get(c) for c in SEA_COLUMNS])
        dashboard.append(
            ",".join(
                str(v)
                for v in (
                    int(facid),
                    f"FACILITY {facid}",
                    f"FACILITY {facid}",
                    "SNF",
                    number,
                    excel_serial(issued),
                    excel_serial(violation),
                    excel_serial(violation),
                    "20000",
                    final,
                    initial.strip(),
                )
            )
        )
    sea = folder / "sea_final_bench.xlsx"
    workbook.save(sea)
    csv_path = folder / "dashboard_bench.csv"
    csv_path.write_text("\n".join(dashboard) + "\n", encoding="utf-8")
    return sea, csv_path


def main(argv: list[str]) -> int:
    from tests.bench.__main__ import _bench_database_url

    rows = int(argv[0]) if argv else ROWS
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
    from programs.wqip.models import Citation
    from programs.wqip.services.citations import import_citations
    from tests.bench.generator import facilities

    call_command("migrate", verbosity=0)
    if not Facility.objects.exists():
        for row in facilities():
            Facility.objects.create(**row)
    facids = list(Facility.objects.values_list("cdph_facid", flat=True))
    folder = Path(tempfile.mkdtemp(prefix="wqip-bench-citations-"))
    sea, dashboard = write_files(folder, rows, facids)
    print(f"database: {connection.settings_dict['NAME']}; registry: {len(facids):,} facilities")
    print(f"{'file':<28} {'rows':>7} {'import':<10} {'seconds':>8}  summary")
    for path in (sea, dashboard):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE wqip_citation")
        for label in ("first", "again"):
            started = time.perf_counter()
            summary = import_citations(path=path)
            seconds = time.perf_counter() - started
            print(f"{path.name:<28} {rows:>7,} {label:<10} {seconds:>8.2f}  {summary}", flush=True)
    print(f"stored: {Citation.objects.count():,} citations")
    for path in (sea, dashboard):
        path.unlink()
    folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
