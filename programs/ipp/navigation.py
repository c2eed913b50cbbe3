"""The "IPP" menu and home panels: the plan's program administrator and finance see the plan's
side; contracted providers (SNF and ECM) their applications."""

from __future__ import annotations

from portal.models import Role, User
from portal.programs import HomePanel, NavItem, WorkItem, plural

PLAN_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.FINANCE_ANALYST, Role.FINANCE_APPROVER})


def is_ipp_plan_user(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in PLAN_ROLES)


def is_ipp_provider(user: User) -> bool:
    return user.is_authenticated and user.is_provider_user


def ipp_nav_items(user: User) -> list[NavItem]:
    if is_ipp_plan_user(user):
        return [
            NavItem("Program years", "ipp:years", prefix="/ipp/years/"),
            NavItem("Investment applications", "ipp:applications", prefix="/ipp/applications/"),
            NavItem("Corrective action plans", "ipp:caps", prefix="/ipp/caps/"),
            NavItem("Needs survey answers", "ipp:survey", prefix="/ipp/survey/"),
            NavItem("Stakeholder feedback", "ipp:feedback_list", prefix="/ipp/feedback/"),
        ]
    if is_ipp_provider(user):
        return [
            NavItem("IPP investments", "ipp:applications", prefix="/ipp/applications/"),
            NavItem("IPP needs survey", "ipp:survey", prefix="/ipp/survey/"),
        ]
    return []


def ipp_home_panels(user: User) -> list[HomePanel]:
    if not is_ipp_plan_user(user):
        return []
    from django.urls import reverse

    from programs.ipp.models import IppApplication, IppFeedback

    waiting = IppApplication.objects.filter(status=IppApplication.Status.SUBMITTED).count()
    unanswered = IppFeedback.objects.filter(answered_at__isnull=True).count()
    return [
        HomePanel(
            key="ipp",
            title="CalAIM IPP",
            items=tuple(
                item
                for item in (
                    WorkItem(
                        plural(
                            waiting,
                            "investment application to decide",
                            "investment applications to decide",
                        ),
                        reverse("ipp:applications"),
                        count=waiting,
                    )
                    if waiting
                    else None,
                    WorkItem(
                        plural(
                            unanswered,
                            "stakeholder comment to answer",
                            "stakeholder comments to answer",
                        ),
                        reverse("ipp:feedback_list"),
                        count=unanswered,
                    )
                    if unanswered
                    else None,
                )
                if item is not None
            ),
            empty_text="Nothing waits in IPP.",
            order=40,
        )
    ]
