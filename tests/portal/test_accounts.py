"""Accounts: e-mail login, lockout, password reset link lifetime, MFA for plan staff."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from portal.demo import current_totp_code
from portal.models import Role
from tests.factories import TEST_PASSWORD, FacilityFactory, UserFactory
from tests.roles import give_totp

pytestmark = pytest.mark.django_db


def login(client, email: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_given_facility_user_when_login_with_email_then_dashboard(client):
    # given
    UserFactory.create(email="pat@a.example.test", facilities=[FacilityFactory.create()])
    # when
    response = login(client, "PAT@a.example.test")
    # then
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_given_five_bad_passwords_when_sixth_attempt_then_locked_out_even_with_right_one(client):
    # given
    UserFactory.create(email="pat@a.example.test")
    for _ in range(5):
        login(client, "pat@a.example.test", "wrong-password-123")
    # when
    response = login(client, "pat@a.example.test")
    # then
    assert response.status_code == 429
    assert b"Sign-in temporarily locked" in response.content


def test_given_four_bad_passwords_when_right_password_then_signed_in(client):
    # given
    UserFactory.create(email="pat@a.example.test")
    for _ in range(4):
        login(client, "pat@a.example.test", "wrong-password-123")
    # when
    response = login(client, "pat@a.example.test")
    # then
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_given_signup_url_when_visited_then_sign_up_is_closed(client):
    # when
    response = client.get(reverse("account_signup"))
    # then
    assert b"Sign Up Closed" in response.content or response.status_code in (403, 404)


def test_given_reset_request_when_email_sent_then_link_sets_new_password(client):
    # given
    user = UserFactory.create(email="pat@a.example.test")
    client.post(reverse("account_reset_password"), {"email": "pat@a.example.test"})
    found = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)
    # when
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "A-brand-new-Passphrase-7", "password2": "A-brand-new-Passphrase-7"},
    )
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-brand-new-Passphrase-7")
    assert "1 hour" in mail.outbox[0].body


@pytest.mark.parametrize(("minutes", "valid"), [(59, True), (61, False)])
def test_given_reset_token_when_checked_after_minutes_then_valid_only_within_an_hour(
    monkeypatch, minutes, valid
):
    # given
    user = UserFactory.create()
    token = default_token_generator.make_token(user)
    later = datetime.datetime.now() + datetime.timedelta(minutes=minutes)
    # when
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    # then
    assert default_token_generator.check_token(user, token) is valid


def test_given_weak_password_when_reset_then_validators_reject_it(client):
    # given
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory.create()
    # when / then
    with pytest.raises(ValidationError):
        validate_password("short1", user=user)


def test_given_plan_staff_without_totp_when_signed_in_then_sent_to_activate_totp(client):
    # given
    UserFactory.create(email="fin@plan.example.test", role=Role.FINANCE_ANALYST)
    login(client, "fin@plan.example.test")
    # when
    response = client.get(reverse("portal:facility_list"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_given_plan_staff_without_totp_when_activating_with_app_code_then_portal_opens(client):
    # given
    user = UserFactory.create(email="fin@plan.example.test", role=Role.FINANCE_ANALYST)
    login(client, "fin@plan.example.test")
    # allauth asks for the password again before MFA changes (reauthentication)
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    # when
    client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    response = client.get(reverse("portal:facility_list"))
    # then
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert response.status_code == 200


def test_given_plan_staff_whose_totp_is_removed_when_next_page_then_sent_to_activate_totp(client):
    # given: a plan user with TOTP who has used the portal (the check is cached per user,
    # portal.usercache)
    user = UserFactory.create(email="fin@plan.example.test", role=Role.FINANCE_ANALYST)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    client.force_login(user)
    assert client.get(reverse("portal:facility_list")).status_code == 200
    # when: the authenticator is removed (by an administrator, or allauth's deactivation)
    Authenticator.objects.filter(user=user).delete()
    response = client.get(reverse("portal:facility_list"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_given_plan_staff_with_totp_when_password_only_then_asked_for_code(client):
    # given
    user = UserFactory.create(email="liaison@plan.example.test", role=Role.LTSS_LIAISON)
    secret = give_totp(user)
    # when
    response = login(client, "liaison@plan.example.test")
    # then
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("portal:home")).status_code == 302
    # and the code from the app completes the sign-in
    done = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})
    assert done.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_given_facility_user_without_totp_when_signed_in_then_not_forced_to_mfa(client):
    # given
    UserFactory.create(email="pat@a.example.test", facilities=[FacilityFactory.create()])
    login(client, "pat@a.example.test")
    # when
    response = client.get(reverse("portal:facility_list"))
    # then
    assert response.status_code == 200


def test_given_signed_in_user_when_keepalive_then_session_renewed(client):
    # given
    UserFactory.create(email="pat@a.example.test")
    login(client, "pat@a.example.test")
    # when
    response = client.get(reverse("portal:keepalive"))
    # then
    assert response.json()["expires_in"] == 15 * 60
    assert "sessionid" in response.cookies  # saved again: the idle clock restarts
    assert client.session.get_expiry_age() == 15 * 60


def test_given_signed_in_user_when_page_rendered_then_body_carries_idle_timeout(client):
    # given
    UserFactory.create(email="pat@a.example.test")
    login(client, "pat@a.example.test")
    # when
    body = client.get(reverse("portal:home")).content.decode()
    # then
    # the time left since the session was renewed at sign-in (a second may tick over)
    assert 'data-session-timeout="900"' in body or 'data-session-timeout="899"' in body
    assert 'data-session-warning="120"' in body
    assert 'id="idle-dialog"' in body


def test_given_signed_in_user_when_sign_out_form_in_nav_posted_then_signed_out():
    # given: a client that enforces CSRF like a browser
    from django.test import Client

    UserFactory.create(email="pat@a.example.test")
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))
    token = client.cookies["csrftoken"].value
    client.post(
        reverse("account_login"),
        {"login": "pat@a.example.test", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
    )
    page = client.get(reverse("portal:home")).content.decode()
    found = re.search(
        r'action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        page,
    )
    assert found is not None
    form_token = found.group(1)
    # when
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": form_token})
    # then
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 302


def test_given_user_when_posting_new_email_then_address_unchanged(client):
    # given
    user = UserFactory.create(email="pat@a.example.test")
    client.force_login(user)
    # when
    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "someone.else@example.test"}
    )
    # then
    user.refresh_from_db()
    assert response.status_code == 200
    assert user.email == "pat@a.example.test"
    assert b"managed by your facility administrator" in response.content
