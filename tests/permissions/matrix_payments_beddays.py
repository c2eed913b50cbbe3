"""Permission-matrix rows for the bed-day report and claims upload URLs.

Roles, in order: anonymous, facility_staff, facility_admin, other_facility_staff, ltss_liaison,
finance_analyst, finance_approver, program_admin. Every request is a GET.

Assumes the framework's ``world`` has ``world.facility`` (the facility of facility_staff and
facility_admin; other_facility_staff belongs to another one). The URL builders create what
the page needs (a computed bed-day result for 2024, a claims import) when it is missing.
"""

from __future__ import annotations

from django.urls import reverse


def _facility_report_url(world) -> str:  # type: ignore[no-untyped-def]
    from programs.wqip.models import BedDaySummary
    from programs.wqip.services.bed_days import compute_bed_days

    if not BedDaySummary.objects.filter(facility=world.facility, program_year=2024).exists():
        compute_bed_days(program_year=2024)
    return reverse("wqip:bed_day_facility", args=[world.facility.pk]) + "?year=2024"


def _claim_import_pk(world) -> int:  # type: ignore[no-untyped-def]
    from programs.wqip.models import ClaimImport

    claim_import = ClaimImport.objects.filter(original_name="matrix.csv").first()
    if claim_import is None:
        claim_import = ClaimImport.objects.create(
            original_name="matrix.csv",
            uploaded_by=world.users["finance_analyst"],
            file="claim_imports/matrix.csv",
            status=ClaimImport.Status.FAILED,
            error_report="line 2, column from_date: bad date",
            error_count=1,
        )
    return claim_import.pk


CASES = {
    "wqip:bed_day_report": (
        lambda world: reverse("wqip:bed_day_report") + "?year=2024",
        (302, 200, 200, 200, 200, 200, 200, 200),
    ),
    "wqip:bed_day_facility": (
        _facility_report_url,
        (302, 200, 200, 404, 200, 200, 200, 200),
    ),
    # POST only: a GET is 405 for everyone signed in (the POST itself is finance-only, 403
    # for facility users and liaisons: tests/payments/test_bed_day_views.py)
    "wqip:bed_day_compute": (
        lambda world: reverse("wqip:bed_day_compute"),
        (302, 405, 405, 405, 405, 405, 405, 405),
    ),
    "wqip:claim_upload": (
        lambda world: reverse("wqip:claim_upload"),
        (302, 403, 403, 403, 403, 200, 200, 200),
    ),
    "wqip:claim_import_detail": (
        lambda world: reverse("wqip:claim_import_detail", args=[_claim_import_pk(world)]),
        (302, 403, 403, 403, 403, 200, 200, 200),
    ),
    "wqip:claim_import_status": (
        lambda world: reverse("wqip:claim_import_status", args=[_claim_import_pk(world)]),
        (302, 403, 403, 403, 403, 200, 200, 200),
    ),
}
