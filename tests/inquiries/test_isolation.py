"""Another organisation's inquiry, attachment and message fragments are a 404 for facility
users, internal notes a 404 for every facility user (besides the URL x role matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.permissions.matrix_inquiries import (
    INTERNAL_FRAGMENT,
    OTHER_FACILITY,
    _get,
    _internal,
)
from tests.roles import ROLES

pytestmark = pytest.mark.django_db


def _statuses(client_as, url):  # type: ignore[no-untyped-def]
    return tuple(client_as(role).get(url).status_code for role in ROLES)


def test_given_internal_note_when_its_fragment_is_asked_then_404_for_every_facility_user(
    client_as, world
):
    url = reverse("inquiries:message_fragment", args=[_internal(world).pk])
    assert _statuses(client_as, url) == INTERNAL_FRAGMENT


@pytest.mark.parametrize("what", ["inquiry_detail", "attachment_download", "message_fragment"])
def test_given_other_facility_inquiry_when_asked_by_facility_a_then_404(client_as, world, what):
    from portal.inquiries import services
    from tests.inquiries.helpers import pdf_upload

    inquiry = _get(world, "inquiry_b")
    other = world.users["other_facility_staff"]
    attachment = services.upload_attachment(inquiry=inquiry, upload=pdf_upload(), actor=other)
    message = services.post_message(inquiry=inquiry, author=other, body="More detail")
    pk = {"inquiry_detail": inquiry.pk, "attachment_download": attachment.pk}.get(what, message.pk)
    url = reverse(f"inquiries:{what}", args=[pk])
    assert _statuses(client_as, url) == OTHER_FACILITY
