from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from portal.demo import DEMO_PASSWORD, DEMO_USERS, current_totp_code, load_portal_demo_data
from portal.models import (
    AuditEvent,
    DataRevision,
    Facility,
    Role,
    User,
)
from programs.wqip.models import OptIn

pytestmark = pytest.mark.django_db


def test_given_demo_loaded_when_loaded_again_then_nothing_changes():
    # given
    load_portal_demo_data()
    counts = (
        Facility.objects.count(),
        OptIn.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
        DataRevision.objects.count(),
    )
    # when
    load_portal_demo_data()
    # then
    assert counts == (
        Facility.objects.count(),
        OptIn.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
        DataRevision.objects.count(),
    )
    assert counts[0] == 10


def test_given_demo_data_when_loaded_then_every_role_has_a_login():
    # when
    load_portal_demo_data()
    # then
    assert {demo.role for demo in DEMO_USERS} == set(Role.values)
    staff = User.objects.get(email="staff@harborview.demo")
    assert staff.memberships.count() == 2
    assert staff.check_password(DEMO_PASSWORD)
    assert Authenticator.objects.filter(user__email="liaison@plan.demo").count() == 1


def test_given_demo_liaison_when_signing_in_with_current_code_then_dashboard(client):
    # given
    load_portal_demo_data()
    demo = next(d for d in DEMO_USERS if d.role == Role.LTSS_LIAISON)
    client.post(reverse("account_login"), {"login": demo.email, "password": DEMO_PASSWORD})
    # when
    client.post(reverse("mfa_authenticate"), {"code": current_totp_code(demo.totp_secret)})
    # then
    assert client.get(reverse("portal:home")).status_code == 200


def test_given_apps_when_listing_demo_loaders_then_portal_contributes_first():
    loaders = [c.name for c in apps.get_app_configs() if hasattr(c, "load_demo_data")]
    assert loaders[0] == "portal"


def test_given_demo_users_when_demo_totp_command_then_six_digit_codes(capsys):
    # when
    call_command("demo_totp")
    # then
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5  # the four SNF plan staff and the ECM program manager
    assert all(line.split()[-1].isdigit() and len(line.split()[-1]) == 6 for line in lines)


def test_given_demo_user_with_old_80_bit_secret_when_demo_loaded_again_then_published_secret():
    # given: a database made before the demo secrets became 160 bits
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt

    load_portal_demo_data()
    demo = next(d for d in DEMO_USERS if d.totp_secret)
    user = User.objects.get(email=demo.email)
    Authenticator.objects.filter(user=user).delete()
    TOTP.activate(user, "WQIPDEMOLIAISONA")
    # when
    load_portal_demo_data()
    # then
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert decrypt(stored.data["secret"]) == demo.totp_secret
