"""Permission matrix rows of the portal app (core pages, accounts and Django admin).

Columns follow tests.roles.ROLES: anonymous, facility_staff, facility_admin,
other_facility_staff, ltss_liaison, finance_analyst, finance_approver, program_admin.
"""

from django.urls import reverse

ALL = (302, 200, 200, 200, 200, 200, 200, 200)
FACILITY_A = (302, 200, 200, 404, 200, 200, 200, 200)
FACILITY_ADMIN_ONLY = (302, 403, 200, 403, 403, 403, 403, 403)
PROGRAM_ADMIN_ONLY = (302, 403, 403, 403, 403, 403, 403, 200)


def _program_year_2025(world):  # type: ignore[no-untyped-def]
    from programs.wqip.models import ProgramYear

    return ProgramYear.objects.get(year=2025)


CASES = {
    "healthz": (lambda w: reverse("healthz"), (200,) * 8),
    "portal:home": (lambda w: reverse("portal:home"), ALL),
    "portal:keepalive": (lambda w: reverse("portal:keepalive"), ALL),
    "portal:facility_list": (lambda w: reverse("portal:facility_list"), ALL),
    "portal:facility_detail": (
        lambda w: reverse("portal:facility_detail", args=[w.facility_a.pk]),
        FACILITY_A,
    ),
    "wqip:program_year_list": (lambda w: reverse("wqip:program_year_list"), ALL),
    "wqip:program_year_edit": (
        lambda w: reverse("wqip:program_year_edit", args=[_program_year_2025(w).pk]),
        PROGRAM_ADMIN_ONLY,
    ),
    "portal:user_list": (lambda w: reverse("portal:user_list"), FACILITY_ADMIN_ONLY),
    "portal:user_invite": (lambda w: reverse("portal:user_invite"), FACILITY_ADMIN_ONLY),
    "portal:user_deactivate": (
        lambda w: reverse("portal:user_deactivate", args=[w.users["facility_staff"].pk]),
        FACILITY_ADMIN_ONLY,
    ),
    # allauth (account_*, mfa_*) and Django admin: a few explicit rows, not walked
    "account_login": (lambda w: reverse("account_login"), (200, 302, 302, 302, 302, 302, 302, 302)),
    "account_reset_password": (lambda w: reverse("account_reset_password"), (200,) * 8),
    "account_change_password": (lambda w: reverse("account_change_password"), ALL),
    "mfa_index": (lambda w: reverse("mfa_index"), ALL),
    "account_email": (lambda w: reverse("account_email"), ALL),
    # plan staff already have TOTP (-> MFA index); facility users signed in without a
    # password step must re-authenticate first (allauth); the full flow has its own test
    "mfa_activate_totp": (lambda w: reverse("mfa_activate_totp"), (302,) * 8),
    "admin:index": (lambda w: reverse("admin:index"), (302,) * 7 + (200,)),
    "admin:auditlog_logentry_changelist": (
        lambda w: reverse("admin:auditlog_logentry_changelist"),
        (302,) * 7 + (200,),
    ),
    "admin:portal_facility_changelist": (
        lambda w: (
            reverse("admin:portal_facility_changelist") + "?q=Alder&is_wqip_eligible__exact=1"
        ),
        (302,) * 7 + (200,),
    ),
}


def _program_year_window(world):  # type: ignore[no-untyped-def]
    py = _program_year_2025(world)
    py.refresh_from_db()
    return (py.opt_in_opens_on, py.opt_in_closes_on)


def _staff_state(world):  # type: ignore[no-untyped-def]
    user = world.users["facility_staff"]
    user.refresh_from_db()
    return (user.is_active, list(user.memberships.values_list("organisation_id", "is_active")))


def _facility_user_emails(world):  # type: ignore[no-untyped-def]
    from portal.models import User

    return sorted(User.objects.values_list("email", flat=True))


# url_name: (url builder, data builder, expected statuses, snapshot of what a denied POST
# must leave unchanged)
POST_CASES = {
    "wqip:program_year_edit": (
        lambda w: reverse("wqip:program_year_edit", args=[_program_year_2025(w).pk]),
        lambda w: {"opt_in_opens_on": "2025-06-09", "opt_in_closes_on": "2025-08-08"},
        (302, 403, 403, 403, 403, 403, 403, 302),
        _program_year_window,
    ),
    "portal:user_deactivate": (
        lambda w: reverse("portal:user_deactivate", args=[w.users["facility_staff"].pk]),
        lambda w: {},
        (302, 403, 302, 403, 403, 403, 403, 403),
        _staff_state,
    ),
    "portal:user_invite": (
        lambda w: reverse("portal:user_invite"),
        lambda w: {
            "email": "new.person@a.example.test",
            "full_name": "New Person",
            "role": "facility_staff",
            "facilities": [w.facility_a.pk],
        },
        (302, 403, 302, 403, 403, 403, 403, 403),
        _facility_user_emails,
    ),
}

# Provider administrators of either kind manage their own organisations' users: the ECM
# provider administrator opens the pages (their users), but the SNF staff user in these rows
# is not theirs (404), and the invitation of SNF staff to a SNF is refused in the form (200,
# nothing written).
ECM_COLUMNS = {
    "portal:user_list": (403, 200, 403),
    "portal:user_invite": (403, 200, 403),
    "portal:user_deactivate": (403, 404, 403),
}
ECM_POST_COLUMNS = {
    "portal:user_deactivate": (403, 404, 403),
    # a set is a refusal (nothing may change): here the form shown again with its error
    "portal:user_invite": (403, frozenset({200}), 403),
}
