"""The WQIP payment calculation (contract §4): the lines of a run from bed days, per diems and
citations. ``WqipCalculator`` is what WQIP hands to the core's payment runs
(``payments.calculators``); the functions below keep the command-line and test API of the
contract (program year and exhibit kind)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum

from payments import services as runs
from payments.calculators import ComputedLine, LineColumn, PaymentCalculator, PaymentRunError
from payments.models import PaymentLine, PaymentRun
from portal.models import DataRevision, User
from programs.wqip.engine import amounts
from programs.wqip.engine.citations import (
    CitationEffect,
    attributed_year,
    citation_effect,
    classify,
    plain_words,
)
from programs.wqip.models import (
    BedDayAdjustment,
    BedDayComputation,
    BedDaySummary,
    Citation,
    ExhibitKind,
    PerDiem,
    PerDiemExhibit,
    ProgramYear,
)
from programs.wqip.selectors.opt_in import opted_in_facility_ids
from programs.wqip.services.bed_days import compute_bed_days
from programs.wqip.services.citations import FacilityByFacid

PROGRAM = "wqip"
# input changes that make stored bed days stale (eligibility is a line reason, §2.4)
BED_DAY_INPUT_KINDS = (DataRevision.Kind.CLAIMS, DataRevision.Kind.FACILITIES)

LINE_STATUSES = (
    (amounts.FACILITY_INELIGIBLE, "Facility not WQIP-eligible"),
    (amounts.NOT_OPTED_IN, "Not opted in"),
    (amounts.PAYABLE, "Payable"),
)
CITATION_CLASSES = (
    ("NONE", "No Class A or AA citation"),
    ("A", "Class A"),
    ("AA", "Class AA"),
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


def current_exhibit(program_year: int, exhibit_kind: str) -> PerDiemExhibit:
    exhibit = PerDiemExhibit.objects.filter(program_year=program_year, kind=exhibit_kind).first()
    if exhibit is None:
        raise PaymentRunError(f"no {exhibit_kind} per-diem exhibit for {program_year} is imported")
    return exhibit


def citation_settings() -> tuple[str, str]:
    """(WQIP_CITATION_DATE_FIELD, WQIP_CLASS_A_MODE), normalised."""
    date_field = str(settings.WQIP_CITATION_DATE_FIELD).strip().upper()
    class_a_mode = str(settings.WQIP_CLASS_A_MODE).strip().lower()
    return date_field, class_a_mode


def citation_classes(program_year: int, date_field: str) -> dict[int, list[str]]:
    lookup = (
        "violation_from_date__year"
        if date_field == "VIOLATION_FROM_DATE"
        else "penalty_issue_date__year"
    )
    classes: dict[int, list[str]] = defaultdict(list)
    by_facid = FacilityByFacid()
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


def adjustment_sources(run: PaymentRun) -> dict[int, tuple[str, str]]:
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


def line_citation_effect(line: PaymentLine) -> CitationEffect:
    details = line.details or {}
    return CitationEffect(
        details.get("citation_class", "NONE"),
        int(details.get("class_a_count", 0)),
        Decimal(str(details.get("factor", "1.00"))),
    )


class WqipCalculator(PaymentCalculator):
    """Contract §4: qualifying days (computed + approved adjustments) x per diem x citation
    factor for every facility of the exhibit; 0.00 unless eligible and opted in."""

    program = PROGRAM
    title = "WQIP"
    verbose_title = "Skilled Nursing Facility Workforce & Quality Incentive Program"
    formula = (
        "Gross = qualifying bed days \u00d7 per diem \u00d7 factor, rounded to the cent once. "
        "Net = gross \u2212 amounts already paid for this program year; a negative net is "
        "recouped."
    )
    kinds = tuple(ExhibitKind.choices)
    line_statuses = LINE_STATUSES
    payable_status = amounts.PAYABLE
    line_columns = (
        LineColumn("computed_bed_days", "Computed days", "int", on_table=False, on_statement=False),
        LineColumn("adjustment_days", "Adjustment days", "int", on_table=False, on_statement=False),
        LineColumn(
            "qualifying_bed_days", "Qualifying bed days", "int", total=True, short_label="Days"
        ),
        LineColumn("per_diem", "Per diem", "decimal", places=4),
        LineColumn("citation_class", "Citation class", "text"),
        LineColumn("class_a_count", "Class A citations", "int", on_table=False, on_statement=False),
        LineColumn("factor", "Factor", "decimal", places=2),
    )
    kind_name = "Exhibit"
    note_label = "Citation effect"

    def program_years(self) -> list[int]:
        return list(ProgramYear.objects.order_by("year").values_list("year", flat=True))

    def parameters(self, *, program_year: int, kind: str) -> dict[str, Any]:
        exhibit = current_exhibit(program_year, kind)
        date_field, class_a_mode = citation_settings()
        return {
            "exhibit_id": exhibit.pk,
            "exhibit_received_on": exhibit.received_on.isoformat(),
            "citation_date_field": date_field,
            "class_a_mode": class_a_mode,
        }

    def prepare(self, run: PaymentRun, *, actor: User | None) -> None:
        ensure_bed_days_current(program_year=run.program_year, actor=actor)

    def compute_lines(self, run: PaymentRun) -> list[ComputedLine]:
        year = run.program_year
        exhibit = PerDiemExhibit.objects.get(pk=run.parameters["exhibit_id"])
        date_field = run.parameters["citation_date_field"]
        class_a_mode = run.parameters["class_a_mode"]
        summaries: dict[int, Mapping[str, Any]] = {
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
        opted_in = opted_in_facility_ids(year=year)
        classes = citation_classes(year, date_field)
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
            lines.append(
                ComputedLine(
                    facility_id=facility.pk,
                    status=status,
                    gross_amount=gross,
                    due_date=amounts.due_date(
                        exhibit_received_on=exhibit.received_on,
                        latest_qualifying_received_on=summary.get("latest_qualifying_received_on"),
                    ),
                    details={
                        "computed_bed_days": computed,
                        "adjustment_days": adjustment,
                        "qualifying_bed_days": days,
                        "per_diem": str(per_diem.per_diem),
                        "citation_class": effect.citation_class,
                        "class_a_count": effect.class_a_count,
                        "factor": str(effect.factor),
                    },
                )
            )
        return lines

    def inputs_fingerprint(self, run: PaymentRun) -> dict[str, Any]:
        computation = (
            BedDayComputation.objects.filter(
                program_year=run.program_year, status=BedDayComputation.Status.FINISHED
            )
            .order_by("-id")
            .values_list("pk", flat=True)
            .first()
        )
        exhibit = PerDiemExhibit.objects.filter(pk=run.parameters.get("exhibit_id")).first()
        return {
            "exhibit": [exhibit.pk, exhibit.kind, exhibit.imported_at.isoformat()]
            if exhibit
            else None,
            "bed_days": computation,
            "citation_settings": list(citation_settings()),
        }

    def sources_at_posting(self, run: PaymentRun) -> dict[int, tuple[str, str]]:
        return adjustment_sources(run)

    def export_header(self) -> list[str]:
        from programs.wqip.exports import PAYMENT_COLUMNS

        return list(PAYMENT_COLUMNS)

    def export_row(self, line: PaymentLine) -> list[str]:
        from programs.wqip.exports import payment_row

        return payment_row(line)

    def export_numeric_columns(self) -> set[str]:
        return {"qualifying_bed_days", "per_diem", "factor", "gross_amount"}

    def run_facts(self, run: PaymentRun) -> list[tuple[str, str]]:
        received = run.parameters.get("exhibit_received_on")
        return [("Exhibit received", received)] if received else []

    def line_note(self, line: PaymentLine) -> str:
        class_a_mode = line.run.parameters.get("class_a_mode") or "once"
        return plain_words(line_citation_effect(line), class_a_mode=class_a_mode)

    def facility_year_panel(self, *, user: User, facility: Any, year: int) -> dict[str, Any] | None:
        from programs.wqip.selectors.citations import citations_for

        date_field = citation_settings()[0]
        citations = [
            c
            for c in citations_for(user=user).filter(facility=facility)
            if attributed_year(
                violation_from_date=c.violation_from_date,
                penalty_issue_date=c.penalty_issue_date,
                date_field=date_field,
            )
            == year
        ]
        return {"template": "wqip/_year_citations.html", "context": {"citations": citations}}


# --- the contract's API: program year and exhibit kind ----------------------------------------


def start_payment_run(
    *,
    program_year: int,
    exhibit_kind: str,
    started_by: User | None,
    via: str = PaymentRun.Via.WEB,
) -> PaymentRun:
    return runs.start_payment_run(
        program=PROGRAM,
        program_year=program_year,
        kind=exhibit_kind,
        started_by=started_by,
        via=via,
    )


def request_payment_run(
    *, program_year: int, exhibit_kind: str, started_by: User, post_when_computed: bool = False
) -> PaymentRun:
    return runs.request_payment_run(
        program=PROGRAM,
        program_year=program_year,
        kind=exhibit_kind,
        started_by=started_by,
        post_when_computed=post_when_computed,
    )


@transaction.atomic
def run_payments(*, program_year: int, exhibit_kind: str) -> runs.RunSummary:
    """The operator's tool (contract §5): compute and post in one step, as the system."""
    return runs.run_and_post(program=PROGRAM, program_year=program_year, kind=exhibit_kind)
