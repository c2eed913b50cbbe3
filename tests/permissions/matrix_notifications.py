"""Permission-matrix rows for the inbox URLs (portal:inbox*, portal:notice_preferences).

Each value: (url builder taking the matrix ``world``, expected GET status per role in the
order anonymous, facility_staff, facility_admin, other_facility_staff, ltss_liaison,
finance_analyst, finance_approver, program_admin). The inbox is per user: every logged-in
role sees its own inbox (200); mark-read endpoints accept POST only (405 on GET), and a notice
of another user is a 404 (tests/portal/test_inbox_views.py).
"""

from __future__ import annotations

from django.urls import reverse

LOGGED_IN_OK = (302, 200, 200, 200, 200, 200, 200, 200)
POST_ONLY = (302, 405, 405, 405, 405, 405, 405, 405)

CASES = {
    "portal:inbox": (lambda world: reverse("portal:inbox"), LOGGED_IN_OK),
    "portal:notice_preferences": (
        lambda world: reverse("portal:notice_preferences"),
        LOGGED_IN_OK,
    ),
    "portal:inbox_mark_read": (
        lambda world: reverse("portal:inbox_mark_read", args=[0]),
        POST_ONLY,
    ),
    "portal:inbox_mark_all_read": (
        lambda world: reverse("portal:inbox_mark_all_read"),
        POST_ONLY,
    ),
}


def _own_notice_url(world) -> str:  # type: ignore[no-untyped-def]
    from portal.models import Notice

    notice = Notice.objects.create(
        user=world.users["facility_staff"], kind="report_published", title="A report"
    )
    return reverse("portal:inbox_mark_read", args=[notice.pk])


# the same URL names with other path values, walked by tests/security/test_hostile_input.py
# (here a notice that exists: its owner's POST reaches the view's body)
WALK_VARIANTS = {"portal:inbox_mark_read": (_own_notice_url,)}
