"""The inquiries app's menu items, home panels and "My work" rows (InquiriesConfig)."""

from __future__ import annotations

from django.urls import reverse

from portal.cases.roles import is_any_case_worker, is_provider_user
from portal.inquiries.selectors import latest_answer_of, open_inquiries_of, work_items_for
from portal.models import User
from portal.programs import CaseWorkItem, HomePanel, NavItem, WorkItem


def inquiry_nav_items(user: User) -> list[NavItem]:
    if is_provider_user(user):
        return [NavItem("Inquiries", "inquiries:inquiry_list", prefix="/inquiries/", group="cases")]
    if is_any_case_worker(user):
        return [
            NavItem("Inquiries", "inquiries:queue", prefix="/inquiries/", group="cases"),
            NavItem("Inquiry SLAs", "inquiries:sla", prefix="/inquiries/sla/", group="cases"),
        ]
    return []


def facility_inquiry_panel(*, user: User) -> HomePanel:
    """The organisation's open inquiries and the latest answer."""
    rows = list(open_inquiries_of(user=user)[:10])
    items = [
        WorkItem(
            f"Inquiry {i.case_number}: {i.subject} ({i.get_status_display().lower()})",
            i.get_absolute_url(),
            tone="info",
        )
        for i in rows
    ]
    answered = latest_answer_of(user=user)
    return HomePanel(
        key="inquiries",
        title="Your inquiries to the plan",
        items=tuple(items),
        empty_text="No open inquiry.",
        order=15,
        is_work=False,
        template="inquiries/_latest_answer.html",
        context={"answered": answered},
        links=(
            ("Ask the plan a question", reverse("inquiries:inquiry_start")),
            ("All your inquiries", reverse("inquiries:inquiry_list")),
        ),
    )


def inquiry_home_panels(*, user: User) -> list[HomePanel]:
    if is_provider_user(user):
        return [facility_inquiry_panel(user=user)]
    return []


def inquiry_work_items(*, user: User) -> list[CaseWorkItem]:
    return [
        CaseWorkItem(
            kind="inquiry",
            kind_label="Inquiry",
            reference=i.case_number,
            title=f"{i.get_category_display()}: {i.subject}",
            organisation=i.organisation.name,
            state=i.get_status_display(),
            url=i.get_absolute_url(),
            due_on=i.next_due,
            assignee_id=i.assignee_id,
            assignee_name=str(i.assignee) if i.assignee else "",
        )
        for i in work_items_for(user=user)[:500]
    ]
