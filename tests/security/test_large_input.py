"""Large form values: 100 KB in a field is answered like any bad value; a body over
DATA_UPLOAD_MAX_MEMORY_SIZE (10 MB, portal/settings/base.py) is a 400, never a 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from disputes.models import Dispute, Note
from tests.disputes.helpers import draft_dispute, submitted_dispute

pytestmark = pytest.mark.django_db

HUNDRED_KB = "x" * 100_000


def test_given_100_kb_in_every_field_when_dispute_draft_saved_then_form_errors_not_500(world):
    # given
    dispute = draft_dispute(facility=world.facility, filer=world.users["facility_staff"])
    client = Client(raise_request_exception=False)
    client.force_login(world.users["facility_staff"])
    fields = client.get(reverse("disputes:dispute_edit", args=[dispute.pk])).context["form"].fields
    # when
    response = client.post(
        reverse("disputes:dispute_edit", args=[dispute.pk]),
        {**dict.fromkeys(fields, HUNDRED_KB), "save": "1"},
    )
    # then
    assert response.status_code == 400
    assert "report_reference" in response.context["form"].errors
    assert Dispute.objects.get(pk=dispute.pk).explanation == dispute.explanation


def test_given_body_over_upload_limit_when_message_posted_then_400_and_nothing_saved(world):
    # given
    dispute = submitted_dispute(facility=world.facility, filer=world.users["facility_staff"])
    client = Client(raise_request_exception=False)
    client.force_login(world.users["facility_staff"])
    notes_before = Note.objects.count()
    # when
    response = client.post(
        reverse("disputes:add_message", args=[dispute.pk]),
        {"body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
    )
    # then
    assert response.status_code == 400
    assert Note.objects.count() == notes_before
