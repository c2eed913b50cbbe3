"""What a state registry file would change (issue 24, review before apply). Pure: the registry
as it is (``Current`` snapshots) and the records read from the state's files in, the changes out,
as plain data that is stored with the staged import and shown before a program admin applies it.

Matching: a record is the registry facility with the same CDPH FACID, else the same HCAI ID,
else the same NPI, else the same CCN. What the state's files own is updated: name, FACID, HCAI
ID, CCN, licensed and STP beds, licence status, county and address, and the licence type (a
licence that becomes ICF/DD makes the facility an ICF/DD home; an ICF/DD that becomes a SNF
licence becomes a freestanding SNF until a program admin says otherwise). What the files do not
carry is never touched: freestanding vs distinct part, adult vs pediatric subacute, the network
contract, the e-mail and phone the plan keeps, and an NPI the plan already has (the NPI is the
facility's key; a different one in the state's files is shown as a note)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from portal.registry.state_files import ICF_DD, ListedFacility

NF_B_FREESTANDING, ICF_DD_TYPE = "NF_B_FREESTANDING", "ICF_DD"
ELIGIBLE_TYPES = frozenset({"NF_B_FREESTANDING", "SUBACUTE_ADULT_FREESTANDING"})
NOT_IN_LISTING = "NOT IN LISTING"

NEW, CHANGED, CLOSED, REOPENED, MISSING = "new", "changed", "closed", "reopened", "missing"
KIND_LABELS = {
    NEW: "New facility",
    CLOSED: "Licence closed or inactive",
    REOPENED: "Licence active again",
    MISSING: "Not in the listing any more",
    CHANGED: "Changed",
}

# field -> label, in the order shown
STATE_FIELDS = {
    "name": "Name",
    "cdph_facid": "CDPH FACID",
    "hcai_id": "HCAI ID",
    "ccn": "CCN",
    "npi": "NPI",
    "facility_type": "Facility type",
    "licensed_beds": "Licensed beds",
    "stp_beds": "STP beds",
    "licence_status": "Licence status",
    "licence_active": "Licence active",
    "county": "County",
    "address": "Address",
}


def is_eligible(facility_type: str, licensed_beds: int, stp_beds: int) -> bool:
    """The contract's rule (§1), as portal.registry.models.ELIGIBILITY_RULE computes it."""
    return facility_type in ELIGIBLE_TYPES and stp_beds < licensed_beds


@dataclass(frozen=True)
class Current:
    """A registry facility as it is now."""

    id: int
    name: str
    npi: str
    cdph_facid: str
    hcai_id: str
    ccn: str
    facility_type: str
    licensed_beds: int
    stp_beds: int
    licence_status: str = ""
    licence_active: bool = True
    county: str = ""
    address: str = ""

    @property
    def eligible(self) -> bool:
        return is_eligible(self.facility_type, self.licensed_beds, self.stp_beds)


@dataclass
class FacilityChange:
    kind: str  # new, changed, closed, reopened, missing
    facility_id: int | None
    name: str
    cdph_facid: str
    line: int | None  # the listing line, for a person to find the row
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [before, after]
    values: dict[str, Any] = field(default_factory=dict)  # what the facility will hold
    eligible_before: bool | None = None
    eligible_after: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def eligibility_flips(self) -> bool:
        return self.eligible_before is not None and self.eligible_before != self.eligible_after

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RegistryDiff:
    changes: list[FacilityChange] = field(default_factory=list)
    unchanged: int = 0
    not_added: list[dict[str, Any]] = field(default_factory=list)  # new, but no NPI: cannot key

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def eligibility_flips(self) -> int:
        return sum(1 for c in self.changes if c.eligibility_flips)

    def counts(self) -> dict[str, int]:
        return {
            NEW: self.count(NEW),
            CHANGED: self.count(CHANGED),
            CLOSED: self.count(CLOSED),
            REOPENED: self.count(REOPENED),
            MISSING: self.count(MISSING),
            "eligibility_flips": self.eligibility_flips,
            "unchanged": self.unchanged,
            "not_added": len(self.not_added),
        }

    @property
    def is_empty(self) -> bool:
        return not self.changes


def _state_values(record: ListedFacility, facility_type: str) -> dict[str, Any]:
    return {
        "name": record.name,
        "cdph_facid": record.facid,
        "hcai_id": record.hcai_id,
        "ccn": record.ccn,
        "facility_type": facility_type,
        "licensed_beds": record.licensed_beds if record.licensed_beds is not None else 0,
        "stp_beds": record.stp_beds,
        "licence_status": record.licence_text[:60],
        "licence_active": record.licence_active,
        "county": record.county.title(),
        "address": record.address,
    }


def _type_after(current_type: str | None, record: ListedFacility) -> str:
    if record.kind == ICF_DD:
        return ICF_DD_TYPE
    if current_type is None or current_type == ICF_DD_TYPE:
        return NF_B_FREESTANDING
    return current_type  # curated: freestanding / distinct part / subacute stay as set


class _Index:
    def __init__(self, current: Iterable[Current]) -> None:
        self.by: dict[str, dict[str, Current]] = {"cdph_facid": {}, "hcai_id": {}, "npi": {}}
        self.by["ccn"] = {}
        for facility in current:
            for key in self.by:
                value = getattr(facility, key)
                if value:
                    self.by[key].setdefault(value, facility)

    def match(self, record: ListedFacility, taken: set[int]) -> Current | None:
        for key, value in (
            ("cdph_facid", record.facid),
            ("hcai_id", record.hcai_id),
            ("npi", record.npi),
            ("ccn", record.ccn),
        ):
            found = self.by[key].get(value) if value else None
            if found is not None and found.id not in taken:
                return found
        return None


def diff_registry(current: Iterable[Current], records: Iterable[ListedFacility]) -> RegistryDiff:
    """The changes the state's records would make to the registry."""
    current = list(current)
    index = _Index(current)
    diff = RegistryDiff()
    taken: set[int] = set()
    npis = {facility.npi for facility in current if facility.npi}
    for record in records:
        facility = index.match(record, taken)
        if facility is None:
            _new(diff, record, npis)
            continue
        taken.add(facility.id)
        change = _compare(facility, record)
        if change is None:
            diff.unchanged += 1
        else:
            diff.changes.append(change)
    for facility in current:
        if facility.id in taken or facility.licence_status == NOT_IN_LISTING:
            continue
        diff.changes.append(
            FacilityChange(
                kind=MISSING,
                facility_id=facility.id,
                name=facility.name,
                cdph_facid=facility.cdph_facid,
                line=None,
                changes={
                    "licence_status": [facility.licence_status, NOT_IN_LISTING],
                    "licence_active": [facility.licence_active, False],
                },
                values={"licence_status": NOT_IN_LISTING, "licence_active": False},
                eligible_before=facility.eligible,
                eligible_after=facility.eligible,
                notes=["Kept in the registry with its history; only its licence is marked."],
            )
        )
    order = {NEW: 0, CLOSED: 1, MISSING: 2, REOPENED: 3, CHANGED: 4}
    diff.changes.sort(key=lambda c: (order[c.kind], c.name.lower(), c.cdph_facid))
    return diff


def _new(diff: RegistryDiff, record: ListedFacility, npis: set[str]) -> None:
    facility_type = _type_after(None, record)
    values = _state_values(record, facility_type)
    reason = ""
    if not record.npi:
        reason = "no NPI in the listing or the crosswalk (the NPI is the facility's key)"
    elif record.npi in npis:
        reason = f"NPI {record.npi} is already another facility's"
    if reason:
        diff.not_added.append(
            {"name": record.name, "cdph_facid": record.facid, "line": record.line, "reason": reason}
        )
        return
    npis.add(record.npi)
    values["npi"] = record.npi
    values["email"] = record.email
    values["phone"] = record.phone
    notes = []
    if record.kind != ICF_DD:
        notes.append(
            "Set as a freestanding SNF: the state's files do not say freestanding or distinct "
            "part, adult or pediatric subacute. Check it on the facility's page."
        )
    if not record.licence_active:
        notes.append(f"Its licence is not active ({record.licence_text}).")
    diff.changes.append(
        FacilityChange(
            kind=NEW,
            facility_id=None,
            name=record.name,
            cdph_facid=record.facid,
            line=record.line,
            changes={k: [None, v] for k, v in values.items() if k in STATE_FIELDS},
            values=values,
            eligible_before=None,
            eligible_after=is_eligible(facility_type, values["licensed_beds"], values["stp_beds"]),
            notes=notes,
        )
    )


def _compare(facility: Current, record: ListedFacility) -> FacilityChange | None:
    state = _state_values(record, _type_after(facility.facility_type, record))
    notes = []
    if record.licensed_beds is None:  # no capacity anywhere in the files: keep the beds
        state.pop("licensed_beds")
        state.pop("stp_beds")
        notes.append("The state's files give no bed count; beds kept.")
    if not record.hcai_id and facility.hcai_id:
        state.pop("hcai_id")  # a facility the crosswalk does not cover keeps its HCAI ID
    if not record.ccn and facility.ccn:
        state.pop("ccn")
    if not facility.npi and record.npi:
        state["npi"] = record.npi
    elif record.npi and record.npi != facility.npi:
        notes.append(f"The state's files give NPI {record.npi}; the plan's NPI is kept.")
    changes = {
        key: [getattr(facility, key), value]
        for key, value in state.items()
        if getattr(facility, key) != value
    }
    if not changes:
        return None
    values = {key: after for key, (_, after) in changes.items()}
    kind = CHANGED
    if "licence_active" in changes:
        kind = REOPENED if record.licence_active else CLOSED
    after = {**facility.__dict__, **values}
    return FacilityChange(
        kind=kind,
        facility_id=facility.id,
        name=facility.name,
        cdph_facid=record.facid,
        line=record.line,
        changes=changes,
        values=values,
        eligible_before=facility.eligible,
        eligible_after=is_eligible(
            after["facility_type"], after["licensed_beds"], after["stp_beds"]
        ),
        notes=notes,
    )


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def diff_lines(changes: Iterable[dict[str, Any]], not_added: Iterable[dict[str, Any]]) -> list[str]:
    """The diff as text, one facility a line (``import_facilities --dry-run``)."""
    lines = []
    for change in changes:
        fields = "; ".join(
            f"{STATE_FIELDS.get(key, key)}: {_shown(before)} -> {_shown(after)}"
            for key, (before, after) in sorted(
                change["changes"].items(), key=lambda item: list(STATE_FIELDS).index(item[0])
            )
        )
        flip = ""
        if (
            change["eligible_before"] is not None
            and change["eligible_before"] != change["eligible_after"]
        ):
            flip = " [WQIP eligibility: {} -> {}]".format(
                _shown(change["eligible_before"]), _shown(change["eligible_after"])
            )
        lines.append(f"{change['kind']:<8} {change['cdph_facid']} {change['name']}: {fields}{flip}")
    for item in not_added:
        lines.append(
            f"{'not added':<8} {item['cdph_facid']} {item['name']} (line {item['line']}): "
            f"{item['reason']}"
        )
    return lines
