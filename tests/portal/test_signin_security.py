"""Sign-in under attack: the account lock-out is per account, address throttling per client
address (behind a configured number of proxies), one-time codes tolerate one period of delay
and are never accepted twice, demo secrets are 160 bits (issue 20, points 1-3 and 9)."""

from __future__ import annotations

import base64
import time
from typing import Any

import pyotp
import pytest
from allauth.core.internal.httpkit import get_client_ip as allauth_client_ip
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.accounts.signin import client_ip
from portal.demo import DEMO_USERS, current_totp_code
from portal.models import Role
from portal.settings import base as base_settings
from tests.factories import TEST_PASSWORD, FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db
LOCKED = b"Sign-in temporarily locked"
THROTTLED = b"Too many failed login attempts"


@pytest.fixture
def production_limits(settings):  # type: ignore[no-untyped-def]
    """The rate limits of base settings (test settings turn them off), on an empty cache."""
    settings.ACCOUNT_RATE_LIMITS = base_settings.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


def sign_in(email: str, password: str = TEST_PASSWORD, *, address: str, **headers: Any):  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response


def signed_in(client: Client) -> bool:
    return client.get(reverse("portal:home")).status_code == 200


def facility_users(count: int, prefix: str = "user") -> list[str]:
    facility = FacilityFactory.create()
    return [
        UserFactory.create(email=f"{prefix}{n}@a.example.test", facilities=[facility]).email
        for n in range(count)
    ]


# --- point 1: the lock-out is per account ---------------------------------------------------


def test_given_failed_sign_in_when_recorded_then_attempt_names_the_email_in_lower_case():
    # given
    UserFactory.create(email="pat@a.example.test")
    # when
    sign_in("PAT@A.example.test", "wrong-password-123", address="10.0.0.1")
    # then
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "pat@a.example.test"
    assert attempt.ip_address == "10.0.0.1"


def test_given_five_failures_for_unknown_emails_when_others_sign_in_then_not_locked():
    # given: the reproduction of issue 20, one address guessing made-up accounts
    users = facility_users(2)
    for n in range(5):
        sign_in(f"nobody{n}@example.test", "wrong-password-123", address="10.0.0.1")
    # when
    results = [sign_in(email, address=f"10.0.1.{n}") for n, email in enumerate(users)]
    # then
    assert [response.status_code for _, response in results] == [302, 302]
    assert all(signed_in(client) for client, _ in results)


def test_given_user_a_fails_five_times_when_user_b_signs_in_from_same_address_then_signed_in():
    # given
    user_a, user_b = facility_users(2)
    for _ in range(5):
        sign_in(user_a, "wrong-password-123", address="10.0.0.1")
    # when
    client, response = sign_in(user_b, address="10.0.0.1")
    # then
    assert response.status_code == 302
    assert signed_in(client)


def test_given_five_failures_from_five_addresses_when_right_password_then_account_locked():
    # given: "5 failed sign-ins lock the account", whatever the addresses and the case
    (email,) = facility_users(1)
    for n in range(5):
        sign_in(email.upper() if n % 2 else email, "wrong-password-123", address=f"10.0.2.{n}")
    # when
    client, response = sign_in(email, address="10.0.3.1")
    # then
    assert response.status_code == 429
    assert LOCKED in response.content
    assert not signed_in(client)


def test_given_sixth_account_locked_when_thirty_accounts_sign_in_from_thirty_addresses_then_all_in(
    production_limits,
):
    # given
    *users, victim = facility_users(31)
    for _ in range(5):
        sign_in(victim, "wrong-password-123", address="192.0.2.66")
    assert sign_in(victim, address="192.0.2.66")[1].status_code == 429
    # when
    results = [sign_in(email, address=f"198.51.100.{n + 1}") for n, email in enumerate(users)]
    # then
    assert len(results) == 30
    assert [response.status_code for _, response in results] == [302] * 30
    assert all(signed_in(client) for client, _ in results)


def test_given_thirty_clients_behind_one_proxy_when_one_account_locked_then_all_thirty_sign_in(
    production_limits, settings
):
    # given: every request arrives from the load balancer 10.9.9.9
    settings.WQIP_TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    *users, victim = facility_users(31)
    for _ in range(5):
        sign_in(victim, "wrong-password-123", address="10.9.9.9", HTTP_X_FORWARDED_FOR="192.0.2.66")
    # when
    results = [
        sign_in(email, address="10.9.9.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        for n, email in enumerate(users)
    ]
    # then
    assert [response.status_code for _, response in results] == [302] * 30
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}


def test_given_address_guessing_many_accounts_when_it_tries_a_right_password_then_refused(
    production_limits,
):
    # given: 20 failures (the default per-address limit), one for each of 20 accounts
    *guessed, target = facility_users(21)
    for email in guessed:
        sign_in(email, "wrong-password-123", address="203.0.113.7")
    # when
    client, response = sign_in(target, address="203.0.113.7")
    elsewhere, response_elsewhere = sign_in(target, address="203.0.113.8")
    # then
    assert THROTTLED in response.content
    assert not signed_in(client)
    assert response_elsewhere.status_code == 302
    assert signed_in(elsewhere)


# --- point 2: the client address behind proxies ---------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "203.0.113.5", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # spoofed left part ignored
        (2, "10.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "10.0.0.1", "", "10.0.0.1"),
    ],
)
def test_given_trusted_proxy_count_when_client_ip_read_then_axes_and_allauth_agree(
    settings, proxies, remote, forwarded, expected
):
    # given
    settings.WQIP_TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    # when
    ours = client_ip(request)
    # then
    assert ours == expected
    assert allauth_client_ip(request) == expected


def test_given_settings_when_read_then_one_proxy_count_feeds_both_libraries():
    assert base_settings.ALLAUTH_TRUSTED_PROXY_COUNT == base_settings.WQIP_TRUSTED_PROXY_COUNT
    assert base_settings.AXES_CLIENT_IP_CALLABLE == "portal.accounts.signin.client_ip"
    assert base_settings.ACCOUNT_RATE_LIMITS["login"] == "30/m/ip"
    assert base_settings.ACCOUNT_RATE_LIMITS["login_failed"] == "20/15m/ip"


# --- point 3: a one-time code typed just before the period ends -----------------------------


def code_at(secret: str, when: float) -> str:
    return format_hotp_value(hotp_value(secret, int(when) // 30))


def test_given_code_of_previous_period_when_validated_then_accepted_once():
    # given: the code computed just before the 30-second boundary, checked just after it
    cache.clear()
    user = UserFactory.create(role=Role.LTSS_LIAISON)
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)
    previous = code_at(secret, time.time() - 30)
    # when
    first = totp.validate_code(previous)
    replay = totp.validate_code(previous)
    # then
    assert first is True
    assert replay is False


def test_given_code_two_periods_old_when_validated_then_refused(settings):
    # given
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()
    secret = generate_totp_secret()
    totp = TOTP.activate(UserFactory.create(role=Role.LTSS_LIAISON), secret)
    # when
    accepted = totp.validate_code(code_at(secret, time.time() - 90))
    # then
    assert accepted is False


def test_given_base_settings_when_read_then_totp_tolerance_is_one_period():
    assert base_settings.MFA_TOTP_TOLERANCE == 1


# --- point 9: demo secrets are 160 bits ------------------------------------------------------


@pytest.mark.parametrize("demo", [d for d in DEMO_USERS if d.totp_secret], ids=lambda d: d.email)
def test_given_demo_totp_secret_when_used_by_pyotp_then_160_bits_and_same_code(demo):
    # when
    raw = base64.b32decode(demo.totp_secret)
    # then
    assert len(raw) * 8 == 160
    assert pyotp.TOTP(demo.totp_secret).now() == current_totp_code(demo.totp_secret)


def test_given_settings_when_read_then_only_the_per_address_axes_check_is_silenced():
    # the address is throttled by allauth's login_failed limit instead (docs/security.md)
    assert base_settings.SILENCED_SYSTEM_CHECKS == ["axes.W006"]
    assert "ip" in base_settings.ACCOUNT_RATE_LIMITS["login_failed"]
