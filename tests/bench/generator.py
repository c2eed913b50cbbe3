# ruff: noqa: B023  (the line() closure is called in the iteration that defines it)
"""Synthetic, realistic claims.csv files of a given size (deterministic for a seed).

Members stay at one of ~1,200 facilities and are billed monthly: one claim per month of the
stay with a room-and-board line (sometimes split by a leave/bed-hold line) and ancillary lines
(pharmacy, therapy). Families: replacements (some chained, some forked), voids. Mixed payers,
coverage, hospice, network and claim status, so every exclusion reason occurs.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from pathlib import Path

from programs.wqip.services.claims_columns import CLAIM_COLUMNS

FACILITY_COUNT = 1_200
YEAR = 2024
DAY = datetime.timedelta(days=1)


def luhn_npi(prefix9: str) -> str:
    digits = [int(c) for c in "80840" + prefix9]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return prefix9 + str((10 - total % 10) % 10)


def facilities(count: int = FACILITY_COUNT) -> list[dict[str, object]]:
    rng = random.Random(1)
    rows = []
    for n in range(count):
        kind = rng.random()
        facility_type = "NF_B_FREESTANDING"
        licensed, stp = rng.randint(40, 200), 0
        if kind < 0.05:
            facility_type = "SUBACUTE_ADULT_FREESTANDING"
        elif kind < 0.07:
            facility_type = "SUBACUTE_PEDIATRIC_FREESTANDING"
        elif kind < 0.09:
            facility_type = "NF_DISTINCT_PART"
        elif kind < 0.10:
            stp = licensed
        rows.append(
            {
                "npi": luhn_npi(f"1{n:08d}"),
                "hcai_id": f"206{n:06d}",
                "cdph_facid": f"9{n:08d}",
                "name": f"Bench Facility {n}",
                "facility_type": facility_type,
                "licensed_beds": licensed,
                "stp_beds": stp,
                "county": "Los Angeles",
            }
        )
    return rows


def _month_segments(start: datetime.date, end: datetime.date) -> Iterator[tuple]:
    day = start
    while day <= end:
        next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        yield day, min(end, next_month - DAY)
        day = next_month


class _Writer:
    def __init__(self, handle, limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.lines = 0
        self.claims = 0

    @property
    def full(self) -> bool:
        return self.lines >= self.limit

    def claim(self, claim_id, code, original, adjudicated, received, lines) -> None:
        head = f"{claim_id},{{}},{code},{original},{adjudicated},{received},"
        for number, line in enumerate(lines, start=1):
            if self.lines >= self.limit:
                return
            self.handle.write(head.format(number) + line + "\n")
            self.lines += 1
        self.claims += 1


def write_claims_file(path: Path, lines: int, seed: int = 42) -> dict[str, int]:
    rng = random.Random(seed)
    npis = [f["npi"] for f in facilities()]
    first_day = datetime.date(YEAR - 1, 10, 1)
    span = (datetime.date(YEAR, 12, 20) - first_day).days
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(CLAIM_COLUMNS) + "\n")
        out = _Writer(handle, lines)
        member = 0
        while not out.full:
            member += 1
            member_id = f"9{member:08d}{'ABCDEFGHJK'[member % 10]}"
            npi = npis[int(rng.paretovariate(1.2) * 7) % len(npis)]
            admission = first_day + rng.randrange(span) * DAY
            kind = rng.random()
            length = (
                rng.randint(0, 20)
                if kind < 0.2
                else rng.randint(20, 120)
                if kind < 0.7
                else rng.randint(120, 400)
            )
            end = admission + length * DAY
            discharged = rng.random() < 0.7
            discharge = end.isoformat() if discharged else ""
            payer = rng.choices(["MEDI_CAL", "MEDICARE", "OTHER"], [90, 7, 3])[0]
            coverage = "FFS" if rng.random() < 0.03 else "MCP"
            hospice = "Y" if rng.random() < 0.03 else "N"
            network = "OUT" if rng.random() < 0.04 else "IN"
            admission_text = admission.isoformat()
            for start, through in _month_segments(admission, end):
                if out.full:
                    break
                out_claims = out.claims
                claim_id = f"C{out_claims + 1:09d}"
                status = rng.choices(["PAID", "DENIED", "PENDING"], [92, 5, 3])[0]
                adjudicated = through + rng.randint(10, 60) * DAY
                received = through + rng.randint(3, 9) * DAY
                discharge_here = (
                    discharge if through == end else (discharge if rng.random() < 0.02 else "")
                )

                def line(frm, thr, code, amount, status=status, discharge_here=discharge_here):
                    return (
                        f"{member_id},{npi},{admission_text},{frm.isoformat()},{thr.isoformat()},"
                        f"{discharge_here},{code},{payer},{coverage},{hospice},{network},"
                        f"{status},{amount}"
                    )

                room = rng.choice(["0101"] * 8 + ["101", "0190"])
                days = (through - start).days + 1
                body = []
                if days > 6 and rng.random() < 0.1:  # leave / bed hold in the middle
                    leave_from = start + rng.randint(1, days - 4) * DAY
                    leave_to = leave_from + 2 * DAY
                    body.append(line(start, leave_from - DAY, room, f"{320 * 5}.00"))
                    body.append(line(leave_from, leave_to, rng.choice(["0180", "185"]), "512.00"))
                    if leave_to < through:
                        body.append(line(leave_to + DAY, through, room, f"{320 * days}.00"))
                else:
                    body.append(line(start, through, room, f"{320 * days}.00"))
                for _ in range(rng.choice([0, 0, 1, 1, 2])):
                    code = rng.choice(["0250", "0420", "0430", "0636"])
                    body.append(
                        line(
                            start, through, code, f"{rng.randint(10, 900)}.{rng.randint(0, 99):02d}"
                        )
                    )
                out.claim(claim_id, "1", "", adjudicated, received, body)
                family_roll = rng.random()
                if family_roll < 0.10 and not out.full:  # replacement, sometimes chained/forked
                    replacement = f"R{out_claims + 1:09d}"
                    fixed = [
                        b.replace(",DENIED,", ",PAID,").replace(",PENDING,", ",PAID,") for b in body
                    ]
                    out.claim(
                        replacement,
                        "7",
                        claim_id,
                        adjudicated + 20 * DAY,
                        received + 15 * DAY,
                        fixed,
                    )
                    if family_roll < 0.015 and not out.full:  # chain
                        out.claim(
                            f"S{out_claims + 1:09d}",
                            "7",
                            replacement,
                            adjudicated + 40 * DAY,
                            received + 30 * DAY,
                            body[:1],
                        )
                    elif family_roll < 0.03 and not out.full:  # fork: same parent
                        out.claim(
                            f"F{out_claims + 1:09d}",
                            "7",
                            claim_id,
                            adjudicated + rng.choice([10, 20, 30]) * DAY,
                            received + 16 * DAY,
                            body,
                        )
                elif family_roll < 0.12 and not out.full:  # void
                    out.claim(
                        f"V{out_claims + 1:09d}",
                        "8",
                        claim_id,
                        adjudicated + 25 * DAY,
                        received + 20 * DAY,
                        body[:1],
                    )
    return {"lines": out.lines, "members": member}
