from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.roles import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_as(world: World) -> Callable[[str], Client]:
    """A test client signed in as the world's user of the role ("anonymous": nobody)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make
