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
