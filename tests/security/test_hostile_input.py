"""Hostile input on every page: no URL of the project answers 500, whoever asks.

Every URL name of the permission matrix (``tests/permissions/matrix_*.py`` build the URLs,
``WALK_VARIANTS`` there add other path values of a name) is requested as every role of
``tests.roles.ROLES``:

1. a first, normal pass records which query parameters and form fields the view reads
   (``tests/security/recording.py``: no hand-kept list, so a new page is walked as soon as it
   has a matrix row);
2. each hostile value is put in all of those keys (plus COMMON_KEYS) at once, as a GET and as
   a POST. Roles the matrix turns away (sign-in redirect, 403, 404) and requests that read no
   key get the few values that broke pages before; the roles a page serves get all of them;
3. for one role the page serves (one whose matrix POST goes through), each key alone is
   hostile while the others keep the matrix's valid POST data, so the value gets past the rest
   of the form to the services;
4. integer ids in the path are replaced by numbers PostgreSQL cannot hold.

Every request is rolled back, so each one finds the objects the matrix built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse

from tests.permissions.test_matrix import (
    CASES,
    NOT_WALKED_PREFIXES,
    POST_CASES,
    merged,
    project_url_names,
)
from tests.roles import ROLES
from tests.security.recording import MIDDLEWARE_PATH, keys_read

WALK_VARIANTS = merged("WALK_VARIANTS")

HOSTILE_VALUES = (
    "a\x00b",  # PostgreSQL refuses NUL in text
    "²",  # str.isdigit() accepts it, int() does not
    "9" * 5000,  # int() refuses more than 4,300 digits
    "x" * 100_000,  # 100 KB
    "abc",
    "-1",
    "0",
    "999999999999999999",  # a bigint, past PostgreSQL's integer
    "99999999999999999999",  # past PostgreSQL's bigint
    "<script>",
)
FEW_VALUES = HOSTILE_VALUES[:3]
# one key at a time: the values a single field may carry past the form into the database
ONE_KEY_VALUES = (*HOSTILE_VALUES[:4], "-1", "999999999999999999", "99999999999999999999")
# names sent on every page even when the first pass did not see them read
COMMON_KEYS = frozenset(
    {
        "q",
        "page",
        "sort",
        "format",
        "year",
        "month",
        "facility",
        "program_year",
        "member_range",
        "status",
        "assignee",
        "remove",
        "next",
    }
)
TURNED_AWAY = {302, 403, 404}
PATH_IDS = ("0", "99999999999999999999", "9" * 5000)
PROBE = "1"
PROBE_KEY = "_probe"
SENTINEL_ID = 987654321987
WALKED_NAMES = sorted(CASES)


def _client(world: Any, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _with_query(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def _shown(value: str) -> str:
    return repr(value if len(value) < 30 else f"{value[:12]}...({len(value)} characters)")


def _body_builder(world: Any, url_name: str) -> Callable[[], dict[str, Any]]:
    """The matrix's valid POST data (made fresh each time: it may hold an open upload)."""
    if url_name in POST_CASES:
        data_builder = POST_CASES[url_name][1]
        return lambda: dict(data_builder(world))
    return dict


def _working_role(url_name: str, served: list[str]) -> str:
    """The role the one-key-at-a-time pass uses: the first whose matrix POST goes through
    (a redirect for someone signed in), else the first the page serves."""
    if url_name in POST_CASES:
        statuses = POST_CASES[url_name][2]
        for role, status in zip(ROLES, statuses, strict=True):
            if role != "anonymous" and status in (200, 302):
                return role
    return served[0]


@dataclass
class Keys:
    """What a view read: query parameters on a GET, on a POST, and form fields."""

    query: set[str] = field(default_factory=set)
    post_query: set[str] = field(default_factory=set)
    body: set[str] = field(default_factory=set)

    def add(self, other: Keys) -> bool:
        """Take in ``other``'s keys (the probe's aside); True when some were new."""
        before = (len(self.query), len(self.post_query), len(self.body))
        self.query |= other.query - {PROBE_KEY}
        self.post_query |= other.post_query - {PROBE_KEY}
        self.body |= other.body - {PROBE_KEY}
        return before != (len(self.query), len(self.post_query), len(self.body))


class Walk:
    """Requests one URL and collects every answer of 500 or more. Each request is rolled
    back (a savepoint), so every one finds the objects as the matrix built them, and a
    database error in one does not break the next."""

    def __init__(self, url: str, body: Callable[[], dict[str, Any]]) -> None:
        parts = urlsplit(url)
        self.path = parts.path
        self.query = dict(parse_qsl(parts.query))
        self.body = body
        self.failures: list[str] = []

    def get(self, client: Client, role: str, query: dict[str, str], path: str = "") -> Any:
        with transaction.atomic():
            response = client.get(_with_query(path or self.path, {**self.query, **query}))
            transaction.set_rollback(True)
        self._check(response, role, query)
        return response

    def post(
        self,
        client: Client,
        role: str,
        query: dict[str, str],
        body: dict[str, str],
        path: str = "",
    ) -> Any:
        with transaction.atomic():
            response = client.post(
                _with_query(path or self.path, {**self.query, **query}), {**self.body(), **body}
            )
            transaction.set_rollback(True)
        self._check(response, role, {**query, **body})
        return response

    def _check(self, response: Any, role: str, sent: dict[str, str]) -> None:
        if response.status_code < 500:
            return
        exc_info = getattr(response, "exc_info", None)
        error = repr(exc_info[1])[:300] if exc_info else "no exception"
        request = response.wsgi_request
        values = ", ".join(sorted({_shown(value) for value in sent.values()}))
        self.failures.append(
            f"{request.method} {request.path} as {role}: {response.status_code} with "
            f"{sorted(sent)} = {values}: {error}"
        )

    def record(self, client: Client, role: str) -> Keys:
        """The keys the view reads: first with a probe only, then (when that found some)
        with those keys set to a plain value, as a bound form or a branch may read more."""
        keys = Keys()
        for _ in range(2):
            found = Keys()
            found.query, found.body = keys_read(
                self.get(client, role, dict.fromkeys(keys.query | {PROBE_KEY}, PROBE))
            )
            found.post_query, more_body = keys_read(
                self.post(
                    client,
                    role,
                    dict.fromkeys(keys.post_query | {PROBE_KEY}, PROBE),
                    dict.fromkeys(keys.body | {PROBE_KEY}, PROBE),
                )
            )
            found.body |= more_body
            if not keys.add(found):
                break
        return keys

    def hostile(self, client: Client, role: str, keys: Keys, *, served: bool) -> None:
        """A GET and a POST per hostile value, in every key read (and COMMON_KEYS); a POST
        that reads no form field gets the few values only (its query was walked by GETs)."""
        get_values = HOSTILE_VALUES if served and keys.query else FEW_VALUES
        post_values = HOSTILE_VALUES if served and keys.body else FEW_VALUES
        for value in get_values:
            self.get(client, role, dict.fromkeys(keys.query | COMMON_KEYS, value))
        for value in post_values:
            self.post(
                client,
                role,
                dict.fromkeys(keys.post_query | COMMON_KEYS, value),
                dict.fromkeys(keys.body | COMMON_KEYS, value),
            )

    def key_by_key(self, client: Client, role: str, keys: Keys) -> None:
        """Each key alone hostile, the others as the matrix sends them: the rest of a form is
        then valid, so the value goes as far as a valid one would (the services)."""
        for key in sorted(keys.query):
            for value in ONE_KEY_VALUES:
                self.get(client, role, {key: value})
        for key in sorted(keys.body | set(self.body())):
            for value in ONE_KEY_VALUES:
                self.post(client, role, {}, {key: value})

    def path_ids(self, client: Client, role: str) -> None:
        """Each integer id of the path replaced by 0, 20 digits and 5,000 digits."""
        match = resolve(self.path)
        for name, value in match.kwargs.items():
            if not isinstance(value, int):
                continue
            template = reverse(match.view_name, kwargs={**match.kwargs, name: SENTINEL_ID})
            for hostile_id in PATH_IDS:
                path = template.replace(str(SENTINEL_ID), hostile_id)
                self.get(client, role, {}, path=path)
                self.post(client, role, {}, {}, path=path)


def test_given_project_urls_when_compared_with_walk_then_every_url_name_is_walked():
    # given
    project = {n for n in project_url_names() if not n.startswith(NOT_WALKED_PREFIXES)}
    # when
    walked = set(WALKED_NAMES)
    # then
    assert walked == set(CASES)
    assert not project - walked, f"URL names the walk misses: {sorted(project - walked)}"


def test_given_walk_variants_when_compared_with_matrix_then_each_names_a_matrix_url():
    # given
    variant_names = set(WALK_VARIANTS)
    # when
    unknown = variant_names - set(CASES)
    # then
    assert not unknown, f"WALK_VARIANTS for names without a matrix row: {sorted(unknown)}"


@pytest.mark.parametrize("url_name", WALKED_NAMES)
def test_given_hostile_values_in_every_parameter_when_each_role_requests_url_then_no_500(
    world, settings, url_name
):
    # given
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE_PATH]
    url_builder, statuses = CASES[url_name]
    served = [
        role
        for role, status in zip(ROLES, statuses, strict=True)
        if not isinstance(status, frozenset) and status not in TURNED_AWAY
    ]
    walks = [
        Walk(builder(world), _body_builder(world, url_name))
        for builder in (url_builder, *WALK_VARIANTS.get(url_name, ()))
    ]
    clients = {role: _client(world, role) for role in ROLES}
    # when
    for walk in walks:
        recorded = {role: walk.record(clients[role], role) for role in served}
        every = Keys()
        for keys in recorded.values():
            every.add(keys)
        for role in ROLES:
            walk.hostile(clients[role], role, recorded.get(role, every), served=role in served)
        if served:
            role = _working_role(url_name, served)
            keys = recorded.get(role) or walk.record(clients[role], role)
            walk.key_by_key(clients[role], role, keys)
            walk.path_ids(clients[role], role)
    # then
    failures = [failure for walk in walks for failure in walk.failures]
    assert not failures, "\n".join(failures)
