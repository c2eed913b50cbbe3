"""Valid RTF and OTF files for demo data, tests and the benchmark (deterministic)."""

from __future__ import annotations

import calendar
import csv
import datetime
import io
import random
from collections.abc import Sequence

from programs.ecm.intake.columns import COLUMNS, OTF, RTF


def npi_with_check_digit(first_nine: str) -> str:
    """A valid NPI from nine digits (Luhn over 80840 + the nine)."""
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return first_nine + str((10 - total % 10) % 10)


def cin_for(provider_seed: int, number: int) -> str:
    return f"{(provider_seed * 100_000 + number) % 100_000_000:08d}{'ABCDEFGHJK'[number % 10]}"


def rtf_rows(
    *,
    year: int,
    month: int,
    npi: str,
    tin: str,
    provider_name: str,
    members: int,
    mcp_id: str = "MCP001",
    mcp_name: str = "Example Health Plan",
    seed: int = 1,
    encounter_share: float = 0.8,
) -> list[dict[str, str]]:
    """One row per member, keyed by the DHCS header."""
    rng = random.Random(f"{seed}-{year}-{month}")  # noqa: S311 (demo data, not secrets)
    last = calendar.monthrange(year, month)[1]
    rows = []
    for n in range(members):
        encounter = datetime.date(year, month, rng.randint(1, last))
        if rng.random() > encounter_share:
            encounter = datetime.date(year, month, 1) - datetime.timedelta(days=rng.randint(1, 60))
        care_plan = datetime.date(year, month, 1) - datetime.timedelta(days=rng.randint(0, 420))
        values = {
            "mcp_id": mcp_id,
            "mcp_name": mcp_name,
            "cin": cin_for(seed, n),
            "last_name": f"Member{n}",
            "first_name": "Test",
            "new_address": "N",
            "homeless": "Y" if n % 9 == 0 else "N",
            "new_phone": "N",
            "pof_indicator": "Y",
            "pof": "HOM" if n % 9 == 0 else "HUT",
            "ecm_status": "Active" if n % 20 else "Pending",
            "acuity": ("High", "Medium", "Low")[n % 3],
            "enrollment_start": (
                datetime.date(year, 1, 1) - datetime.timedelta(days=n % 300)
            ).isoformat(),
            "care_plan_revised": care_plan.isoformat(),
            "assessment_completed": (care_plan - datetime.timedelta(days=14)).isoformat(),
            "last_encounter": encounter.isoformat(),
            "lcm_name": "Lee Care",
            "lcm_phone": "(916) 555-0100",
            "lcm_email": "lee.care@example.org",
            "in_person": "Y" if n % 2 else "N",
            "telephonic": "N" if n % 2 else "Y",
            "production_date": datetime.date(year, month, last).isoformat(),
            "period": f"{year}-{month:02d}",
            "provider_name": provider_name,
            "provider_npi": npi,
            "provider_tin": tin,
            "provider_phone": "916-555-0199",
        }
        rows.append({c.header: values.get(c.key, "") for c in COLUMNS[RTF]})
    return rows


def otf_rows(
    *,
    year: int,
    month: int,
    npi: str,
    tin: str,
    provider_name: str,
    attempts: int,
    mcp_id: str = "MCP001",
    mcp_name: str = "Example Health Plan",
    seed: int = 1,
) -> list[dict[str, str]]:
    rng = random.Random(f"otf-{seed}-{year}-{month}")  # noqa: S311 (demo data)
    last = calendar.monthrange(year, month)[1]
    rows = []
    for n in range(attempts):
        values = {
            "mcp_id": mcp_id,
            "mcp_name": mcp_name,
            "provider_name": provider_name,
            "provider_npi": npi,
            "provider_tin": tin,
            "client_name": f"Test Member{n}",
            "cin": cin_for(seed, n),
            "provider_type": "Community Health Worker",
            "attempt_date": datetime.date(year, month, rng.randint(1, last)).isoformat(),
            "method": ("Telephone", "In Person", "Text Message")[n % 3],
            "successful": "Y" if rng.random() < 0.7 else "N",
            "minutes": str(rng.randint(5, 60)),
        }
        rows.append({c.header: values.get(c.key, "") for c in COLUMNS[OTF]})
    return rows


def to_csv(kind: str, rows: Sequence[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.header for c in COLUMNS[kind]], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
