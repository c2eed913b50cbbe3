"""Runs tests/permissions/matrix_opt_in.py against a local world until the shared framework
(tests/permissions) is merged; the lead can then drop this module."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import get_resolver

from portal.models import Role
from tests.factories import FacilityFactory, UserFactory
from tests.permissions.matrix_opt_in import CASES, ROLES, add_opt_in_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    facility, other = FacilityFactory(), FacilityFactory()
    users = {
        "facility_staff": UserFactory(role=Role.FACILITY_STAFF, facilities=[facility]),
        "facility_admin": UserFactory(role=Role.FACILITY_ADMIN, facilities=[facility]),
        "other_facility_staff": UserFactory(role=Role.FACILITY_STAFF, facilities=[other]),
    }
    for role in ("ltss_liaison", "finance_analyst", "finance_approver", "program_admin"):
        users[role] = UserFactory(role=role)
        TOTP.activate(users[role], generate_totp_secret())
    world = SimpleNamespace(facility=facility, other_facility=other, users=users)
    add_opt_in_world(world)
    return world


@pytest.mark.parametrize("url_name", CASES)
def test_given_each_role_when_get_opt_in_url_then_expected_status(client, world, url_name):
    # given
    make_url, expected = CASES[url_name]
    url = make_url(world)
    statuses = []
    # when
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        statuses.append(client.get(url).status_code)
    # then
    assert dict(zip(ROLES, statuses, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_every_opt_in_url_has_a_matrix_row():
    names = {
        f"portal:{name}"
        for name in get_resolver().namespace_dict["portal"][1].reverse_dict
        if isinstance(name, str) and name.startswith("opt_in_")
    }
    assert names == set(CASES)
