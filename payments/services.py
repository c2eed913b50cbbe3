"""Writes for payments: per-diem exhibits, citations, bed-day adjustments, payment runs and the
ledger. Every function is keyword-only, runs in one transaction and writes an audit row."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from payments import notices
from payments.bed_day_services import compute_bed_days
from payments.engine import amounts
from payments.engine.citations import attributed_year, citation_effect, classify
from payments.models import (
    BedDayAdjustment,
    BedDayComputation,
    BedDaySummary,
    Citation,
    ExhibitKind,
    LedgerEntry,
    PaymentLine,
    PaymentRun,
    PerDiem,
    PerDiemExhibit,
)
from portal.audit import latest_revision_id, record_event, record_revision
from portal.csvio import CsvImportError, RowError, parse_date, read_csv, require
from portal.models import DataRevision, Facility, Role, User
from portal.models.accounts import FINANCE_ROLES
from portal.money import ZERO, round_money
from portal.selectors import opted_in_facility_ids

# input changes that make stored bed days stale (eligibility is a line reason, §2.4)
BED_DAY_INPUT_KINDS = (DataRevision.Kind.CLAIMS, DataRevision.Kind.FACILITIES)

PER_DIEM_PLACES = 4


class PaymentRunError(Exception):
    """A payment run cannot be started, approved or posted; the message says why."""


class NotAllowed(PaymentRunError):
    pass


class TwoPersonRuleError(NotAllowed):
    pass


class AlreadyPosted(PaymentRunError):
    pass


class StaleRunError(PaymentRunError):
    pass


@dataclass(frozen=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        parts = [f"{self.created} created", f"{self.updated} updated"]
        parts.append(f"{self.unchanged} unchanged")
        if self.deleted:
            parts.append(f"{self.deleted} replaced")
        parts.append(f"{self.skipped} skipped")
        return ", ".join(parts)


# --- per-diem exhibits ------------------------------------------------------------------------


def _parse_per_diem(text: str) -> Decimal:
    from decimal import InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount in dollars (e.g. 19.8750)") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not an amount in dollars (e.g. 19.8750)")
    quantized = value.quantize(Decimal(1).scaleb(-PER_DIEM_PLACES))
    if quantized != value:
        raise ValueError(f"'{text}' has more than {PER_DIEM_PLACES} decimal places")
    if value < 0:
        raise ValueError(f"'{text}' is negative")
    return quantized


@transaction.atomic
def import_per_diems(
    *,
    path: Path | str,
    program_year: int,
    kind: str,
    received_on: datetime.date,
    actor: User | None = None,
    source_name: str = "",
) -> ImportSummary:
    """Load a DHCS exhibit (contract §1 per_diems.csv). All or nothing; re-importing the same
    program year and kind replaces its per diems (runs already made keep their own copies)."""
    if kind not in ExhibitKind.values:
        raise CsvImportError([RowError(0, "", f"exhibit must be interim or final, not {kind!r}")])
    rows = read_csv(path, required=("facility_npi", "per_diem"))
    facilities = dict(Facility.objects.values_list("npi", "id"))
    errors: list[RowError] = []
    parsed: dict[int, Decimal] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        row_errors = require(row, ("facility_npi", "per_diem"), line)
        npi = row["facility_npi"]
        if npi and npi not in facilities:
            reason = (
                f"unknown facility NPI {npi}"
                if npi.isdigit() and len(npi) == 10
                else f"'{npi}' is not a 10-digit NPI"
            )
            row_errors.append(RowError(line, "facility_npi", reason))
        elif npi in first_line:
            row_errors.append(
                RowError(line, "facility_npi", f"NPI {npi} already on line {first_line[npi]}")
            )
        value = None
        if row["per_diem"]:
            try:
                value = _parse_per_diem(row["per_diem"])
            except ValueError as exc:
                row_errors.append(RowError(line, "per_diem", str(exc)))
        errors += row_errors
        if npi:
            first_line.setdefault(npi, line)
        if not row_errors and value is not None:
            parsed[facilities[npi]] = value
    if errors:
        raise CsvImportError(errors, str(path))

    name = source_name or Path(path).name
    exhibit, created = PerDiemExhibit.objects.select_for_update().get_or_create(
        program_year=program_year,
        kind=kind,
        defaults={
            "received_on": received_on,
            "imported_at": timezone.now(),
            "imported_by": actor if actor is not None and actor.pk else None,
            "source_name": name,
        },
    )
    replaced = 0
    if not created:
        replaced, _ = PerDiem.objects.filter(exhibit=exhibit).delete()
        exhibit.received_on = received_on
        exhibit.imported_at = timezone.now()
        exhibit.imported_by = actor if actor is not None and actor.pk else None
        exhibit.source_name = name
        exhibit.save()
    PerDiem.objects.bulk_create(
        PerDiem(exhibit=exhibit, facility_id=facility_id, per_diem=value)
        for facility_id, value in parsed.items()
    )
    record_revision(kind="per_diems", program_year=program_year, actor=actor, detail=name)
    record_event(
        actor=actor,
        action="per_diems.imported",
        target=exhibit,
        reason=f"import of {name}",
        data={"per_diems": len(parsed), "replaced": replaced, "received_on": str(received_on)},
    )
    return ImportSummary(created=len(parsed), deleted=replaced)


# --- citations ----------------------------------------------------------------------------------

CITATION_COLUMNS = (
    "facid",
    "penalty_number",
    "penalty_issue_date",
    "violation_from_date",
    "class_assessed_initial",
    "class_assessed_final",
)


def _facid_key(facid: str) -> str:
    """FACIDs are text; a spreadsheet may have dropped leading zeros, so also match without."""
    return facid.strip().lstrip("0")


class _FacilityByFacid:
    def __init__(self) -> None:
        self.exact: dict[str, set[int]] = defaultdict(set)
        self.loose: dict[str, set[int]] = defaultdict(set)
        for facility_id, facid in Facility.objects.values_list("id", "cdph_facid"):
            facid = facid.strip()
            if facid:
                self.exact[facid].add(facility_id)
                self.loose[_facid_key(facid)].add(facility_id)

    def all(self, facid: str) -> list[int]:
        """Facilities with this FACID: exact text first, else the same FACID without leading
        zeros (several facilities may share one FACID)."""
        facid = facid.strip()
        exact = self.exact.get(facid)
        if exact:
            return sorted(exact)
        return sorted(self.loose.get(_facid_key(facid), set())) if facid else []

    def get(self, facid: str) -> int | None:
        matches = self.all(facid)
        return matches[0] if matches else None


def _parse_citation_date(text: str) -> datetime.date | None:
    if not text:
        return None
    if len(text) > 10 and text[10] in " T":  # a timestamp: the date part counts
        text = text[:10]
    return parse_date(text)


@transaction.atomic
def import_citations(*, path: Path | str, actor: User | None = None) -> ImportSummary:
    """Load a CDPH State Enforcement Actions extract (contract §1 citations.csv). Rows for
    FACIDs not in the registry are skipped and counted; PENALTY_NUMBER is the key (a re-import
    updates; penalties absent from the file are kept). All or nothing."""
    rows = read_csv(path, required=CITATION_COLUMNS)
    by_facid = _FacilityByFacid()
    errors: list[RowError] = []
    parsed: dict[str, dict] = {}  # type: ignore[type-arg]
    skipped = 0
    for line, row in rows:
        facid = row["facid"]
        facility_id = by_facid.get(facid) if facid else None
        if facility_id is None:  # not in the registry (the statewide file holds every facility)
            skipped += 1
            continue
        row_errors = require(row, ("penalty_number",), line)
        values: dict = {"facid": facid, "facility_id": facility_id}  # type: ignore[type-arg]
        for column, field in (
            ("penalty_issue_date", "penalty_issue_date"),
            ("violation_from_date", "violation_from_date"),
        ):
            try:
                values[field] = _parse_citation_date(row[column])
            except ValueError as exc:
                row_errors.append(RowError(line, column.upper(), str(exc)))
        values["class_initial"] = row["class_assessed_initial"]
        values["class_final"] = row["class_assessed_final"]
        errors += [RowError(e.line, e.column.upper(), e.reason) for e in row_errors]
        if not row_errors:
            parsed[row["penalty_number"]] = values  # a repeated penalty: the later row wins
    if errors:
        raise CsvImportError(errors, str(path))

    existing = {
        c.penalty_number: c
        for c in Citation.objects.select_for_update().filter(penalty_number__in=parsed).order_by()
    }
    created = updated = unchanged = 0
    new: list[Citation] = []
    for number, values in parsed.items():
        citation = existing.get(number)
        if citation is None:
            new.append(Citation(penalty_number=number, **values))
            created += 1
            continue
        changed = [key for key, value in values.items() if getattr(citation, key) != value]
        if not changed:
            unchanged += 1
            continue
        for key in changed:
            setattr(citation, key, values[key])
        citation.save(update_fields=[*changed, "updated_at"])
        updated += 1
    Citation.objects.bulk_create(new)
    name = Path(path).name
    if created or updated:
        record_revision(kind="citations", actor=actor, detail=name)
    summary = ImportSummary(created=created, updated=updated, unchanged=unchanged, skipped=skipped)
    record_event(
        actor=actor,
        action="citations.imported",
        reason=f"import of {name}",
        data={"created": created, "updated": updated, "unchanged": unchanged, "skipped": skipped},
    )
    return summary


# --- bed-day adjustments (contract §2.6) --------------------------------------------------------


@transaction.atomic
def record_bed_day_adjustment(
    *,
    facility: Facility,
    program_year: int,
    days: int,
    reason: str,
    created_by: User | None,
    source_type: str = "",
    source_id: str = "",
) -> BedDayAdjustment:
    adjustment = BedDayAdjustment.objects.create(
        facility=facility,
        program_year=program_year,
        days=days,
        reason=reason,
        created_by=created_by,
        source_type=source_type,
        source_id=source_id,
    )
    record_event(actor=created_by, action="bed_day_adjustment.recorded", target=adjustment)
    return adjustment


@transaction.atomic
def approve_bed_day_adjustment(*, adjustment: BedDayAdjustment, approver: User) -> BedDayAdjustment:
    adjustment = BedDayAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if approver.role != Role.FINANCE_APPROVER:
        raise NotAllowed("only a finance approver can approve a bed-day adjustment")
    if adjustment.approved_at is not None:
        return adjustment
    adjustment.approved_by = approver
    adjustment.approved_at = timezone.now()
    adjustment.save(update_fields=["approved_by", "approved_at"])
    record_revision(
        kind="adjustments",
        program_year=adjustment.program_year,
        actor=approver,
        detail=f"adjustment {adjustment.pk}",
    )
    record_event(actor=approver, action="bed_day_adjustment.approved", target=adjustment)
    return adjustment


# --- payment runs (contract §4) -----------------------------------------------------------------


def _lock_program_year(program_year: int) -> None:
    """Serialise run computation and posting per program year (transaction-scoped)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('wqip.payment_run'), %s)", [program_year]
        )


def bed_days_are_stale(*, program_year: int) -> bool:
    newest = (
        BedDayComputation.objects.filter(
            program_year=program_year, status=BedDayComputation.Status.FINISHED
        )
        .order_by("-id")
        .first()
    )
    newer = DataRevision.objects.filter(kind__in=BED_DAY_INPUT_KINDS).filter(
        Q(program_year=program_year) | Q(program_year__isnull=True)
    )
    if newest is not None:
        # newer than what the computation saw, and made after it started
        newer = newer.filter(id__gt=newest.revision_id, at__gte=newest.started_at)
    return newer.exists()


def ensure_bed_days_current(*, program_year: int, actor: User | None) -> None:
    """Recompute bed days first when claims (or the registry) changed after the last run."""
    if not bed_days_are_stale(program_year=program_year):
        return
    compute_bed_days(program_year=program_year, actor=actor)


def _current_exhibit(program_year: int, exhibit_kind: str) -> PerDiemExhibit:
    exhibit = PerDiemExhibit.objects.filter(program_year=program_year, kind=exhibit_kind).first()
    if exhibit is None:
        raise PaymentRunError(f"no {exhibit_kind} per-diem exhibit for {program_year} is imported")
    return exhibit


def _inputs_digest(run: PaymentRun) -> str:
    """Everything a draft depends on; a different digest at approval means it is stale."""
    posted = list(
        PaymentRun.objects.filter(program_year=run.program_year, status=PaymentRun.Status.POSTED)
        .exclude(pk=run.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    computation = (
        BedDayComputation.objects.filter(
            program_year=run.program_year, status=BedDayComputation.Status.FINISHED
        )
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    exhibit = PerDiemExhibit.objects.get(pk=run.exhibit_id)
    payload = {
        "program_year": run.program_year,
        "exhibit": [exhibit.pk, exhibit.kind, exhibit.imported_at.isoformat()],
        "revision": latest_revision_id(program_year=run.program_year),
        "posted_runs": posted,
        "bed_days": computation,
        "citation_settings": citation_settings(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _citation_classes(program_year: int, date_field: str) -> dict[int, list[str]]:
    lookup = (
        "violation_from_date__year"
        if date_field == "VIOLATION_FROM_DATE"
        else "penalty_issue_date__year"
    )
    classes: dict[int, list[str]] = defaultdict(list)
    by_facid = _FacilityByFacid()
    for citation in Citation.objects.filter(**{lookup: program_year}).order_by():
        year = attributed_year(
            violation_from_date=citation.violation_from_date,
            penalty_issue_date=citation.penalty_issue_date,
            date_field=date_field,
        )
        if year != program_year:
            continue
        citation_class = classify(
            class_initial=citation.class_initial, class_final=citation.class_final
        )
        # FACID matches the registry as it is now; the facility stored at import otherwise
        matched = by_facid.all(citation.facid) or (
            [citation.facility_id] if citation.facility_id else []
        )
        for facility_id in matched:
            classes[facility_id].append(citation_class)
    return classes


def _previous_run(run: PaymentRun) -> PaymentRun | None:
    computed = (
        PaymentRun.Status.DRAFT,
        PaymentRun.Status.POSTED,
        PaymentRun.Status.SUPERSEDED,
    )
    earlier = PaymentRun.objects.filter(
        program_year=run.program_year, status__in=computed, computed_at__isnull=False, pk__lt=run.pk
    )
    same_exhibit = earlier.filter(exhibit_kind=run.exhibit_kind).order_by("-pk").first()
    if same_exhibit is not None:
        return same_exhibit
    return earlier.filter(status=PaymentRun.Status.POSTED).order_by("-pk").first()


def citation_settings() -> tuple[str, str]:
    """(WQIP_CITATION_DATE_FIELD, WQIP_CLASS_A_MODE), normalised."""
    date_field = str(settings.WQIP_CITATION_DATE_FIELD).strip().upper()
    class_a_mode = str(settings.WQIP_CLASS_A_MODE).strip().lower()
    return date_field, class_a_mode


def _compute_lines(run: PaymentRun) -> None:
    year = run.program_year
    exhibit = run.exhibit
    date_field, class_a_mode = citation_settings()
    summaries = {
        s["facility_id"]: s
        for s in BedDaySummary.objects.filter(program_year=year).values(
            "facility_id", "qualifying_days", "latest_qualifying_received_on"
        )
    }
    adjustments = dict(
        BedDayAdjustment.objects.filter(program_year=year, approved_at__isnull=False)
        .values("facility_id")
        .annotate(days=Sum("days"))
        .values_list("facility_id", "days")
    )
    paid = dict(
        PaymentLine.objects.filter(run__program_year=year, run__status=PaymentRun.Status.POSTED)
        .exclude(run=run)
        .values("facility_id")
        .annotate(total=Sum("net_amount"))
        .values_list("facility_id", "total")
    )
    opted_in = opted_in_facility_ids(year=year)
    classes = _citation_classes(year, date_field)
    previous = _previous_run(run)
    previous_gross = (
        dict(previous.lines.values_list("facility_id", "gross_amount")) if previous else {}
    )
    lines = []
    for per_diem in PerDiem.objects.filter(exhibit=exhibit).select_related("facility"):
        facility = per_diem.facility
        summary = summaries.get(facility.pk, {})
        computed = summary.get("qualifying_days", 0)
        adjustment = adjustments.get(facility.pk, 0) or 0
        days = computed + adjustment
        status = amounts.line_status(
            is_eligible=facility.is_wqip_eligible, is_opted_in=facility.pk in opted_in
        )
        effect = citation_effect(classes.get(facility.pk, []), class_a_mode=class_a_mode)
        gross = amounts.gross_amount(
            status=status,
            qualifying_bed_days=days,
            per_diem=per_diem.per_diem,
            factor=effect.factor,
        )
        previously_paid = paid.get(facility.pk) or ZERO
        lines.append(
            PaymentLine(
                run=run,
                facility=facility,
                status=status,
                computed_bed_days=computed,
                adjustment_days=adjustment,
                qualifying_bed_days=days,
                per_diem=per_diem.per_diem,
                citation_class=effect.citation_class,
                class_a_count=effect.class_a_count,
                factor=effect.factor,
                gross_amount=gross,
                previously_paid=previously_paid,
                net_amount=amounts.net_amount(gross=gross, previously_paid=previously_paid),
                due_date=amounts.due_date(
                    exhibit_received_on=exhibit.received_on,
                    latest_qualifying_received_on=summary.get("latest_qualifying_received_on"),
                ),
                previous_gross=previous_gross.get(facility.pk),
            )
        )
    PaymentLine.objects.bulk_create(lines, batch_size=2000)
    run.previous_run = previous
    run.citation_date_field = date_field
    run.class_a_mode = class_a_mode
    run.exhibit_received_on = exhibit.received_on


def _compute_run(run: PaymentRun, *, actor: User | None) -> PaymentRun:
    """Turn a queued run into a draft (the caller holds the program-year lock)."""
    ensure_bed_days_current(program_year=run.program_year, actor=actor)
    exhibit = _current_exhibit(run.program_year, run.exhibit_kind)
    run.exhibit = exhibit
    PaymentRun.objects.filter(
        program_year=run.program_year,
        exhibit_kind=run.exhibit_kind,
        status=PaymentRun.Status.DRAFT,
    ).exclude(pk=run.pk).update(status=PaymentRun.Status.SUPERSEDED)
    run.lines.all().delete()
    _compute_lines(run)
    run.revision_id = latest_revision_id(program_year=run.program_year)
    run.inputs_digest = _inputs_digest(run)
    run.status = PaymentRun.Status.DRAFT
    run.computed_at = timezone.now()
    run.save()
    record_event(
        actor=actor,
        action="payment_run.computed",
        target=run,
        data={"lines": run.lines.count(), "revision_id": run.revision_id},
    )
    notices.run_awaiting_approval(run)
    return run


def _check_can_start(started_by: User | None) -> None:
    if started_by is not None and not (started_by.is_superuser or started_by.role in FINANCE_ROLES):
        raise NotAllowed("only finance users can start a payment run")


@transaction.atomic
def start_payment_run(
    *,
    program_year: int,
    exhibit_kind: str,
    started_by: User | None,
    via: str = PaymentRun.Via.WEB,
) -> PaymentRun:
    """Compute a draft run now (the command line and the Celery task use this code)."""
    _check_can_start(started_by)
    _lock_program_year(program_year)
    exhibit = _current_exhibit(program_year, exhibit_kind)
    run = PaymentRun.objects.create(
        program_year=program_year,
        exhibit_kind=exhibit_kind,
        exhibit=exhibit,
        started_by=started_by,
        via=via,
    )
    record_event(actor=started_by, action="payment_run.started", target=run)
    return _compute_run(run, actor=started_by)


@transaction.atomic
def request_payment_run(
    *, program_year: int, exhibit_kind: str, started_by: User, post_when_computed: bool = False
) -> PaymentRun:
    """Queue a run for the worker (web UI). A run already queued for the same exhibit is
    returned instead of a second one."""
    from payments.tasks import execute_payment_run_task

    _check_can_start(started_by)
    _lock_program_year(program_year)
    exhibit = _current_exhibit(program_year, exhibit_kind)
    queued = PaymentRun.objects.filter(
        program_year=program_year, exhibit_kind=exhibit_kind, status=PaymentRun.Status.QUEUED
    ).first()
    if queued is not None:
        return queued
    run = PaymentRun.objects.create(
        program_year=program_year,
        exhibit_kind=exhibit_kind,
        exhibit=exhibit,
        started_by=started_by,
        post_when_computed=post_when_computed,
    )
    record_event(actor=started_by, action="payment_run.requested", target=run)
    transaction.on_commit(partial(execute_payment_run_task.delay, run_id=run.pk))
    return run


@transaction.atomic
def execute_payment_run(*, run_id: int) -> PaymentRun:
    """The worker's entry point; safe to run twice (redelivery after a crash)."""
    run = PaymentRun.objects.get(pk=run_id)
    _lock_program_year(run.program_year)
    run = PaymentRun.objects.select_for_update().get(pk=run_id)
    if run.status == PaymentRun.Status.QUEUED:
        try:
            with transaction.atomic():
                run = _compute_run(run, actor=run.started_by)
        except PaymentRunError as exc:
            run.refresh_from_db()
            run.status = PaymentRun.Status.FAILED
            run.error = str(exc)
            run.save(update_fields=["status", "error"])
            return run
    if run.status == PaymentRun.Status.DRAFT and run.post_when_computed:
        _post_run(run, posted_by=None)
    return run


def _adjustment_sources(run: PaymentRun) -> dict[int, tuple[str, str]]:
    """Facilities whose approved bed-day adjustments this run counts for the first time, with
    the source (e.g. the dispute) when they all come from one; marks them posted in ``run``."""
    fresh = BedDayAdjustment.objects.select_for_update().filter(
        program_year=run.program_year, approved_at__isnull=False, posted_run__isnull=True
    )
    if run.computed_at is not None:
        fresh = fresh.filter(approved_at__lte=run.computed_at)
    by_facility: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for adjustment in fresh:
        by_facility[adjustment.facility_id].add((adjustment.source_type, adjustment.source_id))
    fresh.update(posted_run=run)
    return {
        facility_id: next(iter(sources))
        for facility_id, sources in by_facility.items()
        if len(sources) == 1
    }


def _post_run(run: PaymentRun, *, posted_by: User | None) -> int:
    """Write one ledger entry per facility with a non-zero net; the run must be locked."""
    now = timezone.now()
    sources = _adjustment_sources(run)
    entries = [
        LedgerEntry(
            facility_id=line.facility_id,
            program_year=run.program_year,
            kind=(LedgerEntry.Kind.PAYMENT if line.net_amount > 0 else LedgerEntry.Kind.RECOUPMENT),
            amount=line.net_amount,
            run=run,
            payment_line=line,
            due_date=line.due_date,
            memo=f"{run.get_exhibit_kind_display()} payment run {run.pk}",
            source_type=sources.get(line.facility_id, ("", ""))[0],
            source_id=sources.get(line.facility_id, ("", ""))[1],
            posted_at=now,
            posted_by=posted_by,
        )
        for line in run.lines.exclude(net_amount=0)
    ]
    LedgerEntry.objects.bulk_create(entries)
    run.status = PaymentRun.Status.POSTED
    run.approved_by = posted_by
    run.approved_at = run.posted_at = now
    run.save(update_fields=["status", "approved_by", "approved_at", "posted_at"])
    record_event(
        actor=posted_by,
        action="payment_run.posted",
        target=run,
        data={"ledger_entries": len(entries), "via": run.via},
    )
    notices.run_posted(run)
    return len(entries)


def _check_fresh(run: PaymentRun) -> None:
    if latest_revision_id(program_year=run.program_year) > run.revision_id:
        raise StaleRunError(
            f"run {run.pk}: inputs changed after the draft was made; start a new run"
        )
    if _inputs_digest(run) != run.inputs_digest:
        raise StaleRunError(
            f"run {run.pk}: bed days, the exhibit or earlier payments changed after the draft "
            "was made; start a new run"
        )


@transaction.atomic
def approve_payment_run(*, run: PaymentRun, approver: User) -> PaymentRun:
    """Second person approves a draft; only then are ledger entries posted (once)."""
    if approver.role != Role.FINANCE_APPROVER:
        raise NotAllowed("only a finance approver can approve a payment run")
    _lock_program_year(run.program_year)
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.started_by_id is not None and run.started_by_id == approver.pk:
        raise TwoPersonRuleError("the person who started a run cannot approve it")
    if run.status == PaymentRun.Status.POSTED:
        raise AlreadyPosted(f"run {run.pk} was already approved and posted")
    if run.status != PaymentRun.Status.DRAFT:
        raise PaymentRunError(f"run {run.pk} is {run.get_status_display().lower()}")
    _check_fresh(run)
    _post_run(run, posted_by=approver)
    return run


@dataclass(frozen=True)
class RunSummary:
    run: PaymentRun
    lines: int
    payable: int
    gross: Decimal
    net: Decimal
    entries: int

    def __str__(self) -> str:
        return (
            f"payment run {self.run.pk} ({self.run.program_year} {self.run.exhibit_kind}): "
            f"{self.lines} facilities, {self.payable} payable, gross {self.gross}, "
            f"net {self.net}, {self.entries} ledger entries posted"
        )


@transaction.atomic
def run_payments(*, program_year: int, exhibit_kind: str) -> RunSummary:
    """The operator's tool (contract §5): compute and post in one step, as the system."""
    run = start_payment_run(
        program_year=program_year,
        exhibit_kind=exhibit_kind,
        started_by=None,
        via=PaymentRun.Via.CLI,
    )
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    entries = _post_run(run, posted_by=None)
    totals = run.lines.aggregate(gross=Sum("gross_amount"), net=Sum("net_amount"))
    return RunSummary(
        run=run,
        lines=run.lines.count(),
        payable=run.lines.filter(status=amounts.PAYABLE).count(),
        gross=totals["gross"] or ZERO,
        net=totals["net"] or ZERO,
        entries=entries,
    )


@transaction.atomic
def post_ledger_adjustment(
    *,
    facility: Facility,
    program_year: int,
    amount: Decimal,
    memo: str,
    posted_by: User,
    source_type: str = "",
    source_id: str = "",
    due_date: datetime.date | None = None,
) -> LedgerEntry:
    """A correction outside a payment run (e.g. a dispute determination): a new entry, never an
    edit of an old one."""
    if posted_by.role != Role.FINANCE_APPROVER:
        raise NotAllowed("only a finance approver can post a ledger adjustment")
    if amount == 0:
        raise PaymentRunError("an adjustment of 0.00 changes nothing")
    entry = LedgerEntry.objects.create(
        facility=facility,
        program_year=program_year,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=round_money(amount),
        memo=memo[:250],
        source_type=source_type,
        source_id=source_id,
        due_date=due_date,
        posted_at=timezone.now(),
        posted_by=posted_by,
    )
    record_event(actor=posted_by, action="ledger.adjustment_posted", target=entry, reason=memo)
    return entry
