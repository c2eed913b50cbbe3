"""Every URL the project names x every role (and anonymous) has an expected status.

Each app adds rows in its own module ``tests/permissions/matrix_<app>.py``:

* ``CASES = {url_name: (url_builder, statuses)}`` - GET; ``url_builder(world) -> str`` may
  create the objects it needs (``world.extra`` is a place to keep them);
* ``POST_CASES = {url_name: (url_builder, data_builder, statuses, snapshot)}`` - optional;
  for every role whose POST is denied, ``snapshot(world)`` must be equal before and after;
* ``WALK_VARIANTS = {url_name: (url_builder, ...)}`` - optional; the same name with other path
  values (steps, actions, formats) for the hostile-input walk (tests/security).

``statuses`` is a tuple in the order of ``tests.roles.ROLES``. A URL name without a row fails
``test_every_url_has_a_matrix_row``. A status may be a set (``DENIED_403_404``) where either
answer is right; a set always means a refusal (a POST changes nothing).

A row of the SNF world's eight columns gets the three ECM columns (ECM provider staff and
administrator, the plan's ECM program manager) from ``ecm_columns``: a page every signed-in
user may open is open to them too; any other SNF page answers them as it answers every role it
refuses when that is one answer, else denies them (403 or 404), unless the
row's module lists other ECM statuses in ``ECM_COLUMNS = {url_name: (staff, admin, manager)}``
(``ECM_POST_COLUMNS`` for POST rows).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests.permissions
from tests.roles import ECM_ROLES, ROLES, SNF_ROLES

DENIED = {302, 403, 404, 405}
DENIED_403_404 = frozenset({403, 404})
Status = int | frozenset[int]
# allauth's and the admin's own URLs are not walked; they get explicit rows instead
NOT_WALKED_PREFIXES = ("account_", "mfa_", "admin:")


def matrix_modules() -> list:  # type: ignore[type-arg]
    names = [
        m.name
        for m in pkgutil.iter_modules(tests.permissions.__path__)
        if m.name.startswith("matrix_")
    ]
    return [importlib.import_module(f"tests.permissions.{name}") for name in sorted(names)]


def merged(attribute: str) -> dict:  # type: ignore[type-arg]
    rows: dict = {}  # type: ignore[type-arg]
    for module in matrix_modules():
        for name, row in getattr(module, attribute, {}).items():
            assert name not in rows, f"{name} has rows in two matrix modules"
            rows[name] = row
    return rows


def ecm_columns(
    name: str, statuses: tuple[Status, ...], overrides: dict[str, tuple[Status, ...]]
) -> tuple[Status, ...]:
    """The ECM roles' statuses of a SNF row (see the module's docstring)."""
    if name in overrides:
        return overrides[name]
    if not _serves_ecm_providers(name):
        # a SNF program's page: 404 to an ECM provider's users, whatever the method
        # (portal.accounts.middleware.ProgramScopeMiddleware); the manager as any refused role
        manager = ecm_columns_of_staff(statuses)
        return (404, 404, manager)
    signed_in = statuses[1:]
    if all(s == 200 for s in signed_in):
        return (200,) * len(ECM_ROLES)
    refusals = {s for s in signed_in if s != 200}
    if len(refusals) == 1:  # the one answer every refused role gets (405, 302 to sign-in...)
        return (refusals.pop(),) * len(ECM_ROLES)
    return (DENIED_403_404,) * len(ECM_ROLES)


def _serves_ecm_providers(name: str) -> bool:
    """Whether the URL's app serves ECM providers' users (a program's namespace is its label)."""
    from django.apps import apps

    from portal.programs import ProgramConfig

    config = apps.app_configs.get(name.split(":")[0]) if ":" in name else None
    if not isinstance(config, ProgramConfig):
        return True
    return config.serves(_EcmProviderUser())


class _EcmProviderUser:
    role = "ecm_provider_staff"


def ecm_columns_of_staff(statuses: tuple[Status, ...]) -> Status:
    signed_in = statuses[1:]
    if all(s == 200 for s in signed_in):
        return 200
    refusals = {s for s in signed_in if s != 200}
    return refusals.pop() if len(refusals) == 1 else DENIED_403_404


def with_ecm_columns(rows: dict, position: int, overrides: str) -> dict:  # type: ignore[type-arg]
    ecm_overrides = merged(overrides)
    out = {}
    for name, row in rows.items():
        statuses = row[position]
        if len(statuses) == len(SNF_ROLES):
            statuses = (*statuses, *ecm_columns(name, statuses, ecm_overrides))
        out[name] = (*row[:position], statuses, *row[position + 1 :])
    return out


def matches(got: int, expected: Status) -> bool:
    return got in expected if isinstance(expected, frozenset) else got == expected


CASES = with_ecm_columns(merged("CASES"), 1, "ECM_COLUMNS")
POST_CASES = with_ecm_columns(merged("POST_CASES"), 2, "ECM_POST_COLUMNS")


def project_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            names |= project_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_given_project_urls_when_compared_with_matrix_then_every_url_has_a_row():
    # given
    walked = {n for n in project_url_names() if not n.startswith(NOT_WALKED_PREFIXES)}
    # when
    missing = walked - set(CASES)
    # then
    assert not missing, f"URL names without a permission-matrix row: {sorted(missing)}"


def test_given_matrix_when_checked_then_each_row_has_a_status_per_role():
    bad = [name for name, (_, statuses) in CASES.items() if len(statuses) != len(ROLES)]
    bad += [name for name, row in POST_CASES.items() if len(row[2]) != len(ROLES)]
    assert not bad


@pytest.mark.parametrize("url_name", sorted(CASES))
def test_given_each_role_when_get_url_then_expected_status(client_as, world, url_name):
    # given
    url_builder, statuses = CASES[url_name]
    url = url_builder(world)
    # when
    got = {role: client_as(role).get(url).status_code for role in ROLES}
    # then (all roles compared at once, so a failure shows the whole row)
    expected = dict(zip(ROLES, statuses, strict=True))
    wrong = {r: (got[r], expected[r]) for r in ROLES if not matches(got[r], expected[r])}
    assert not wrong, f"{url}: role -> (got, expected) {wrong}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(POST_CASES))
def test_given_role_when_post_url_then_expected_status_and_denied_changes_nothing(
    client_as, world, url_name, role
):
    # given
    url_builder, data_builder, statuses, snapshot = POST_CASES[url_name]
    expected = statuses[ROLES.index(role)]
    url = url_builder(world)
    before = snapshot(world)
    # when
    response = client_as(role).post(url, data_builder(world))
    # then
    assert matches(response.status_code, expected), url
    denied = isinstance(expected, frozenset) or (
        expected in DENIED and (role == "anonymous" or expected != 302)
    )
    if denied:
        assert snapshot(world) == before
    else:
        assert snapshot(world) != before
