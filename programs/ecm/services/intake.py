"""Accepting a month's RTF or OTF: all or nothing, on time or late from the receipt
timestamp, replacing the month's file (the earlier one stays in history), rescoring."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit.services import record_event
from portal.files.csvio import CsvImportError
from portal.models import User
from programs.ecm.access import is_manager, is_provider
from programs.ecm.engine import deadlines, measures
from programs.ecm.intake.columns import RTF
from programs.ecm.intake.validate import IntakeContext, ParsedRow, read_report
from programs.ecm.intake.workbook import is_workbook, workbook_to_csv
from programs.ecm.models import (
    FileKind,
    MeasurementYear,
    OtfAttempt,
    ReportFile,
    RtfMember,
)
from programs.ecm.selectors.providers import providers_for
from programs.ecm.services.scoring import counts_to_json, due_dates, score_year


def now() -> datetime.datetime:
    """The receipt clock (a test sets it)."""
    return timezone.now()


def intake_context(
    *, provider: Any, measurement_year: MeasurementYear, kind: str, month: int
) -> IntakeContext:
    codes = dict(measurement_year.codes or {})
    return IntakeContext(
        kind=kind,
        year=measurement_year.year,
        month=month,
        provider_npi=provider.npi,
        provider_tin=(provider.tin or "").replace("-", ""),
        mcp_id=measurement_year.mcp_id,
        codes=codes,
    )


def check_month(measurement_year: MeasurementYear, month: int, now: datetime.datetime) -> None:
    """A month's reports can be sent from its first day (California time) on."""
    if not 1 <= month <= 12:
        raise ValidationError("Choose a month from 1 to 12.")
    today = deadlines.receipt_day(now)
    if (measurement_year.year, month) > (today.year, today.month):
        raise ValidationError(
            f"{measurement_year.year}-{month:02d} has not begun; its reports cannot be sent yet."
        )


def _rows(kind: str, parsed: Sequence[ParsedRow], file: ReportFile) -> list[Any]:
    if kind == RTF:
        return [
            RtfMember(
                file=file,
                line=r.line,
                cin=r.values["cin"],
                ecm_status=r.values["ecm_status"],
                acuity=r.values.get("acuity") or "",
                enrollment_start=r.values["enrollment_start"],
                enrollment_end=r.values.get("enrollment_end"),
                care_plan_revised=r.values.get("care_plan_revised"),
                assessment_completed=r.values.get("assessment_completed"),
                last_encounter=r.values.get("last_encounter"),
                discontinuation_date=r.values.get("discontinuation_date"),
                data=r.raw,
            )
            for r in parsed
        ]
    return [
        OtfAttempt(
            file=file,
            line=r.line,
            cin=r.values["cin"],
            attempt_date=r.values["attempt_date"],
            method=r.values["method"],
            successful=r.values["successful"],
            minutes=r.values["minutes"],
            data=r.raw,
        )
        for r in parsed
    ]


def file_counts(
    kind: str, parsed: Sequence[ParsedRow], measurement_year: MeasurementYear, month: int
) -> tuple[int, dict[str, list[int]]]:
    if kind == RTF:
        members, counts = measures.rtf_counts(
            (
                measures.RtfMember(
                    cin=r.values["cin"],
                    ecm_status=r.values["ecm_status"],
                    last_encounter=r.values.get("last_encounter"),
                    care_plan_revised=r.values.get("care_plan_revised"),
                    assessment_completed=r.values.get("assessment_completed"),
                )
                for r in parsed
            ),
            year=measurement_year.year,
            month=month,
            counted_statuses=set(measurement_year.counted_statuses or []),
        )
        return members, counts_to_json(counts)
    otf = measures.otf_counts(
        measures.OtfAttempt(cin=r.values["cin"], successful=r.values["successful"]) for r in parsed
    )
    return len(parsed), counts_to_json(otf)


def accept_report(
    *,
    provider: Any,
    measurement_year: MeasurementYear,
    month: int,
    kind: str,
    content: bytes,
    file_name: str,
    actor: User,
    received_at: datetime.datetime | None = None,
) -> ReportFile:
    """Check the whole file, then store it as the month's current file of its kind.

    Raises CsvImportError (every bad line and column) or ValidationError; nothing is written
    then. The receipt timestamp (now, unless a plan import gives the original one) decides
    on time or late against the month's due day."""
    if kind not in FileKind.values:
        raise ValidationError(f"Unknown file kind {kind!r}.")
    if is_provider(actor):
        source = ReportFile.Source.UPLOAD
        received_at = now()  # a provider cannot choose its receipt time
    elif is_manager(actor):
        source = ReportFile.Source.IMPORT
    else:
        raise PermissionDenied(f"{actor} may not send ECM files")
    if not providers_for(user=actor).filter(pk=provider.pk).exists():
        raise PermissionDenied(f"{actor} may not send files for {provider}")
    received_at = received_at or now()
    check_month(measurement_year, month, received_at)
    digest = hashlib.sha256(content).hexdigest()  # of the file as received
    if is_workbook(content):
        content = workbook_to_csv(content, kind=kind, source=file_name)
    parsed = read_report(
        io.BytesIO(content),
        context=intake_context(
            provider=provider, measurement_year=measurement_year, kind=kind, month=month
        ),
        source=file_name,
    )
    members, counts = file_counts(kind, parsed, measurement_year, month)
    due_on = due_dates(measurement_year)[month]
    on_time = deadlines.is_on_time(received_at=received_at, due_on=due_on)
    with transaction.atomic():
        month_files = ReportFile.objects.select_for_update().filter(
            provider=provider, measurement_year=measurement_year, month=month, kind=kind
        )
        earlier = list(month_files.order_by("received_at", "id"))
        previous = next((f for f in earlier if f.is_current), None)
        month_on_time = earlier[0].on_time if earlier else on_time
        if earlier and received_at < earlier[0].received_at:
            month_on_time = on_time  # a plan import of an earlier original
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        report = ReportFile.objects.create(
            provider=provider,
            measurement_year=measurement_year,
            month=month,
            kind=kind,
            received_at=received_at,
            due_on=due_on,
            on_time=on_time,
            month_on_time=month_on_time,
            replaces=previous,
            source=source,
            uploaded_by=actor,
            file_name=file_name[:255],
            sha256=digest,
            row_count=len(parsed),
            members=members,
            counts=counts,
        )
        model = RtfMember if kind == RTF else OtfAttempt
        model.objects.bulk_create(_rows(kind, parsed, report), batch_size=2000)  # type: ignore[attr-defined]
        record_event(
            actor=actor,
            action="ecm.file_accepted",
            target=report,
            reason=file_name[:200],
            data={
                "kind": kind,
                "period": report.period,
                "received_at": received_at.isoformat(),
                "due_on": due_on.isoformat(),
                "on_time": on_time,
                "month_on_time": month_on_time,
                "replaces": previous.pk if previous else None,
                "rows": len(parsed),
                "source": source,
            },
        )
        # the months past due by the receipt day are scored (a missing file counts); the
        # daily rescoring (tasks.py) brings the other months in as their due days pass
        score_year(
            measurement_year=measurement_year,
            provider_ids=[provider.pk],
            today=deadlines.receipt_day(received_at),
        )
    return report


__all__ = ["CsvImportError", "accept_report", "file_counts", "intake_context"]
