"""An ECM provider's users get 404 on another ECM provider's pages and objects (files, scores,
uploads), and on every ECM page when they are SNF users; the world of the permission matrix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.permissions.matrix_ecm import ecm_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["ecm_provider_staff", "ecm_provider_admin"])
def test_another_ecm_providers_objects_are_404(world, client_as, role):
    data = ecm_world(world)
    other = world.ecm_provider_b
    client = client_as(role)
    urls = [
        reverse("ecm:provider_dashboard", args=[other.pk]),
        reverse("ecm:file_list", args=[other.pk]),
        reverse("ecm:file_upload", args=[other.pk]),
        reverse("ecm:file_detail", args=[data["files"]["b"].pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    own = reverse("ecm:file_detail", args=[data["files"]["a"].pk])
    assert client.get(own).status_code == 200


@pytest.mark.parametrize("role", ["facility_staff", "facility_admin", "ltss_liaison"])
def test_snf_users_get_404_on_ecm_objects(world, client_as, role):
    data = ecm_world(world)
    client = client_as(role)
    urls = [
        reverse("ecm:provider_dashboard", args=[world.ecm_provider_a.pk]),
        reverse("ecm:file_detail", args=[data["files"]["a"].pk]),
        reverse("ecm:plan_dashboard"),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
