"""WQIP's panels on the home page (``WqipConfig.home_panels``).

* facility users: returned opt-in forms (what needs an answer), open opt-in windows (next
  deadlines), and their facilities' opt-in status for the current program year;
* liaisons and program administrators: opt-ins to review;
* finance approvers: bed-day adjustments awaiting approval;
* finance users: the latest claims imports; program administrators: the opt-in overview.

Each panel runs a fixed number of queries whatever the number of facilities or opt-ins."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import FINANCE_ROLES
from portal.calendar.dates import add_working_days, plan_holidays
from portal.models import Role, User
from portal.programs import (
    CaseWorkItem,
    HomePanel,
    WorkItem,
    answers_panel,
    approvals_panel,
    deadlines_panel,
    plural,
)
from programs.wqip.models import ClaimImport, OptInVersion
from programs.wqip.selectors.bed_days import (
    bed_day_adjustments_awaiting_approval,
    claim_imports_for,
)
from programs.wqip.selectors.opt_in import (
    AWAITING_REVIEW,
    OPT_IN_REVIEW_SLA_WORKING_DAYS,
    current_program_year,
    facility_dashboard_rows,
    open_opt_in_windows_for,
    opt_in_review_counts,
    plan_dashboard_counts,
    returned_opt_in_versions_for,
    visible_opt_ins,
)

SHOWN_IMPORTS = 3


def _is_reviewer(user: User) -> bool:
    return user.is_superuser or user.role in (Role.LTSS_LIAISON, Role.PROGRAM_ADMIN)


def reviews_panel(*, user: User) -> HomePanel:
    counts = opt_in_review_counts(user=user)
    queue = reverse("wqip:opt_in_queue")
    lines = [
        (
            "overdue",
            plural(
                counts["overdue"],
                "opt-in past the 10-working-day review time",
                "opt-ins past the 10-working-day review time",
            ),
            f"{queue}?overdue=on",
            "danger",
        ),
        (
            "submitted",
            plural(counts["submitted"], "opt-in to review", "opt-ins to review"),
            f"{queue}?status=submitted",
            "warning",
        ),
        (
            "under_review",
            plural(counts["under_review"], "opt-in under review", "opt-ins under review"),
            f"{queue}?status=under_review",
            "info",
        ),
        (
            "mine",
            plural(
                counts["mine"],
                "waiting opt-in assigned to you",
                "waiting opt-ins assigned to you",
            ),
            f"{queue}?mine=on",
            "info",
        ),
    ]
    return HomePanel(
        key="wqip-reviews",
        title="WQIP opt-ins to review",
        items=tuple(
            WorkItem(text, url, count=counts[key], tone=tone)
            for key, text, url, tone in lines
            if counts[key]
        ),
        empty_text="No opt-in waits for review.",
        order=10,
    )


def adjustments_panel() -> HomePanel:
    count = bed_day_adjustments_awaiting_approval().count()
    items = []
    if count:
        items.append(
            WorkItem(
                plural(
                    count,
                    "WQIP bed-day adjustment awaits approval",
                    "WQIP bed-day adjustments await approval",
                ),
                reverse("disputes:money_outcomes"),
                count=count,
                tone="warning",
            )
        )
    return approvals_panel(items)  # one card with the payment runs to approve


_IMPORT_TONE = {
    ClaimImport.Status.QUEUED: "info",
    ClaimImport.Status.RUNNING: "info",
    ClaimImport.Status.SUCCEEDED: "success",
    ClaimImport.Status.FAILED: "danger",
}


def imports_panel(*, user: User) -> HomePanel:
    imports = list(claim_imports_for(user=user).order_by("-created_at", "-pk")[:SHOWN_IMPORTS])
    items = [
        WorkItem(
            f"{claim_import.original_name}: {claim_import.get_status_display().lower()}"
            f" (uploaded {timezone.localtime(claim_import.created_at):%-d %b %Y})",
            reverse("wqip:claim_import_detail", args=[claim_import.pk]),
            tone=_IMPORT_TONE[ClaimImport.Status(claim_import.status)],
        )
        for claim_import in imports
    ]
    return HomePanel(
        key="wqip-imports",
        title="Recent WQIP claims imports",
        items=tuple(items),
        empty_text="No claims file has been uploaded in the portal yet.",
        order=40,
        is_work=False,
        links=(("Upload a claims file", reverse("wqip:claim_upload")),),
    )


def overview_panel(*, user: User) -> HomePanel:
    program_year = current_program_year()
    return HomePanel(
        key="wqip-overview",
        title=f"WQIP {program_year}" if program_year else "WQIP",
        order=60,
        is_work=False,
        wide=True,
        template="wqip/_home_overview.html",
        context={
            "program_year": program_year,
            **plan_dashboard_counts(user=user, program_year=program_year),
        },
    )


def facility_panels(*, user: User) -> list[HomePanel]:
    answers = [
        WorkItem(
            f"{version.opt_in.facility.name}'s {version.opt_in.program_year.label} opt-in"
            f"{' amendment' if version.is_amendment else ''} was returned for correction",
            reverse("wqip:opt_in_detail", args=[version.opt_in_id]),
            tone="warning",
        )
        for version in returned_opt_in_versions_for(user=user)
    ]
    deadlines = []
    for window in open_opt_in_windows_for(user=user):
        facility, year = window.facility, window.program_year
        if window.opt_in is None:
            text = f"Opt in {facility.name} for {year.label} before the window closes"
            url = reverse("wqip:opt_in_start", args=[facility.pk, year.year])
        else:
            text = f"Submit {facility.name}'s {year.label} opt-in draft"
            url = reverse("wqip:opt_in_detail", args=[window.opt_in.pk])
        deadlines.append(WorkItem(text, url, due_on=window.closes_on, tone="warning"))
    panels = [answers_panel(answers), deadlines_panel(deadlines)]
    program_year = current_program_year()
    rows = facility_dashboard_rows(user=user, program_year=program_year)
    if rows:
        panels.append(
            HomePanel(
                key="wqip-facilities",
                title=f"Your facilities in WQIP, {program_year}" if program_year else "WQIP",
                order=40,
                is_work=False,
                wide=True,
                template="wqip/_home_opt_in_table.html",
                context={"program_year": program_year, "rows": rows},
                links=(("All opt-ins of your facilities", reverse("wqip:opt_in_list")),),
            )
        )
    return panels


def wqip_home_panels(*, user: User) -> list[HomePanel]:
    if user.is_facility_user:
        return facility_panels(user=user)
    panels = []
    if _is_reviewer(user):
        panels.append(reviews_panel(user=user))
    if user.role == Role.FINANCE_APPROVER:
        panels.append(adjustments_panel())
    if user.is_superuser or user.role in FINANCE_ROLES:
        panels.append(imports_panel(user=user))
    if user.is_superuser or user.role == Role.PROGRAM_ADMIN:
        panels.append(overview_panel(user=user))
    return panels


def opt_in_review_work_items(*, user: User) -> list[CaseWorkItem]:
    """Opt-ins whose newest form waits for the plan, held by the reviewer or by nobody, for
    My work: due 10 working days after submission (§9)."""
    if not _is_reviewer(user):
        return []
    newest = OptInVersion.objects.filter(opt_in=OuterRef("pk")).order_by("-number")
    rows = (
        visible_opt_ins(user=user)
        .annotate(
            review_status=Subquery(newest.values("status")[:1]),
            review_submitted_at=Subquery(newest.values("submitted_at")[:1]),
        )
        .filter(review_status__in=AWAITING_REVIEW)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .select_related("assigned_to")
        .order_by("review_submitted_at", "pk")[:500]
    )
    year = timezone.localdate().year
    holidays = plan_holidays(years=range(year - 1, year + 2))
    labels = dict(OptInVersion.Status.choices)
    items = []
    for opt_in in rows:
        submitted = opt_in.review_submitted_at  # type: ignore[attr-defined]
        status = str(opt_in.review_status)  # type: ignore[attr-defined]
        due = (
            add_working_days(
                start=timezone.localdate(submitted),
                days=OPT_IN_REVIEW_SLA_WORKING_DAYS,
                holidays=holidays,
            )
            if submitted
            else None
        )
        items.append(
            CaseWorkItem(
                kind="opt_in_review",
                kind_label="WQIP opt-in review",
                reference=f"Opt-in {opt_in.program_year.year}-{opt_in.pk}",
                title=f"Opt-in for {opt_in.program_year}",
                organisation=opt_in.facility.name,
                state=str(labels.get(status, status)),
                url=reverse("wqip:opt_in_review", args=[opt_in.pk]),
                due_on=due,
                assignee_id=opt_in.assigned_to_id,
                assignee_name=str(opt_in.assigned_to) if opt_in.assigned_to else "",
            )
        )
    return items
