"""Contract §5 export of a payment run (and the same rows for the web CSV/XLSX downloads)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import TextIO

from payments.models import PaymentLine, PaymentRun

PAYMENT_COLUMNS = (
    "facility_npi",
    "program_year",
    "exhibit",
    "status",
    "qualifying_bed_days",
    "per_diem",
    "citation_class",
    "factor",
    "gross_amount",
    "previously_paid",
    "net_amount",
    "due_date",
)


class NoRunError(Exception):
    pass


def fixed(value: Decimal, places: int) -> str:
    """Decimal with exactly ``places`` decimals, never ``-0.00``."""
    quantized = value.quantize(Decimal(1).scaleb(-places))
    if quantized == 0:
        quantized = abs(quantized)
    return f"{quantized:.{places}f}"


def latest_run(*, program_year: int, exhibit_kind: str) -> PaymentRun:
    run = (
        PaymentRun.objects.filter(
            program="wqip",
            program_year=program_year,
            kind=exhibit_kind,
            status__in=(PaymentRun.Status.DRAFT, PaymentRun.Status.POSTED),
        )
        .order_by("-pk")
        .first()
    )
    if run is None:
        raise NoRunError(f"no {exhibit_kind} payment run for {program_year} yet: run run_payments")
    return run


def payment_row(line: PaymentLine) -> list[str]:
    details = line.details
    return [
        line.facility.npi,
        str(line.run.program_year),
        line.run.kind,
        line.status,
        str(details["qualifying_bed_days"]),
        fixed(Decimal(details["per_diem"]), 4),
        details["citation_class"],
        fixed(Decimal(details["factor"]), 2),
        fixed(line.gross_amount, 2),
        fixed(line.previously_paid, 2),
        fixed(line.net_amount, 2),
        line.due_date.isoformat(),
    ]


def run_rows(run: PaymentRun) -> Iterable[list[str]]:
    lines = run.lines.select_related("facility", "run").order_by("facility__npi")
    return (payment_row(line) for line in lines)


def write_payments_csv(
    handle: TextIO, *, program_year: int, exhibit_kind: str
) -> tuple[PaymentRun, int]:
    run = latest_run(program_year=program_year, exhibit_kind=exhibit_kind)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(PAYMENT_COLUMNS)
    count = 0
    for row in run_rows(run):
        writer.writerow(row)
        count += 1
    return run, count
