"""An ECM provider asks the plan the same way; its inquiry goes to the plan's ECM team (the
ECM program managers), not to the LTSS liaisons."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.cases.work import my_work
from portal.inquiries import services
from portal.inquiries.models import Category
from portal.inquiries.selectors import inquiry_queue
from portal.models import Notice
from portal.notifications.services import sweep_due_notices

pytestmark = pytest.mark.django_db


def _ecm_inquiry(world):  # type: ignore[no-untyped-def]
    staff = world.users["ecm_provider_staff"]
    draft = services.save_draft(
        organisation=world.ecm_provider_a,
        author=staff,
        category=Category.CARE_TRANSITION,
        subject="Housing support after discharge",
        body="Who coordinates the housing navigator?",
    )
    return services.submit_inquiry(inquiry=draft, actor=staff)


def test_given_ecm_provider_inquiry_when_submitted_then_ecm_team_queue(world):
    inquiry = _ecm_inquiry(world)
    manager, liaison = world.users["ecm_program_manager"], world.users["ltss_liaison"]
    assert inquiry.assignee is None
    assert list(inquiry_queue(user=manager)) == [inquiry]
    assert list(inquiry_queue(user=liaison)) == []
    assert [i.reference for i in my_work(user=manager).items] == [inquiry.case_number]
    sweep_due_notices(now=timezone.now() + datetime.timedelta(minutes=1))
    assert Notice.objects.filter(user=manager, kind="inquiry_message").exists()
    assert not Notice.objects.filter(user=liaison, kind="inquiry_message").exists()


def test_given_ecm_inquiry_when_liaison_replies_then_refused_manager_may(world):
    inquiry = _ecm_inquiry(world)
    with pytest.raises(PermissionDenied):
        services.post_message(inquiry=inquiry, author=world.users["ltss_liaison"], body="Hi")
    message = services.post_message(
        inquiry=inquiry, author=world.users["ecm_program_manager"], body="The ECM lead does."
    )
    inquiry = services.close_with_answer(
        inquiry=inquiry, message=message, actor=world.users["ecm_program_manager"]
    )
    assert inquiry.answer == message
    # a manager takes it, as a liaison takes an SNF case
    assert services.may_assign(
        actor=world.users["ecm_program_manager"],
        inquiry=inquiry,
        assignee=world.users["ecm_program_manager"],
    )


def test_given_snf_user_when_asking_for_an_ecm_provider_then_refused(world):
    with pytest.raises(PermissionDenied):
        services.save_draft(
            organisation=world.ecm_provider_a,
            author=world.users["facility_staff"],
            category=Category.OTHER,
            subject="s",
            body="b",
        )
