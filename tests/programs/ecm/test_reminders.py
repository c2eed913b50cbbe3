"""ECM reminders: due in 5 days, due today, late (only to providers with a file missing, only
to their own users, exactly once); scores published after the due day with a notice."""

from __future__ import annotations

import datetime

import pytest

from portal.models import Notice, ScheduledNotice
from portal.notifications.services import sweep_due_notices
from programs.ecm.models import MonthScore
from programs.ecm.reminders import produce_report_reminders, produce_scores
from programs.ecm.services.settings import create_year
from tests.programs.ecm.factories import (
    make_provider,
    make_provider_user,
    otf_content,
    pacific,
    rtf_content,
    send,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, monkeypatch):
    year = create_year(year=2026, actor=world.users["program_admin"])
    harbor, valley = make_provider("harbor"), make_provider("valley")
    harbor_admin, valley_admin = make_provider_user(harbor), make_provider_user(valley)
    # Harbor sends both March files early; Valley only its RTF
    for kind, content in (
        ("rtf", rtf_content(harbor, 2026, 3, 5)),
        ("otf", otf_content(harbor, 2026, 3, 4)),
    ):
        send(
            monkeypatch,
            provider=harbor,
            user=harbor_admin,
            year=year,
            month=3,
            kind=kind,
            content=content,
            at=pacific(2026, 4, 2),
        )
    send(
        monkeypatch,
        provider=valley,
        user=valley_admin,
        year=year,
        month=3,
        kind="rtf",
        content=rtf_content(valley, 2026, 3, 5),
        at=pacific(2026, 4, 2),
    )
    return {
        "year": year,
        "harbor": harbor,
        "valley": valley,
        "harbor_admin": harbor_admin,
        "valley_admin": valley_admin,
    }


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (datetime.date(2026, 4, 5), "ecm_report_due_soon"),  # due 10 April
        (datetime.date(2026, 4, 10), "ecm_report_due_today"),
        (datetime.date(2026, 4, 11), "ecm_report_late"),
        (datetime.date(2026, 4, 13), "ecm_report_late"),  # a missed day catches up once
    ],
)
def test_reminders_reach_only_the_provider_missing_a_file(setup, world, today, kind):
    s = setup
    march = ScheduledNotice.objects.filter(kind=kind)
    assert produce_report_reminders(today) >= 1
    produce_report_reminders(today)  # exactly once
    ours = {s["harbor"].pk, s["valley"].pk}
    rows = [n for n in march if n.data.get("month") == 3 and n.subject_id in ours]
    assert [(n.subject_id, n.data["missing"]) for n in rows] == [(s["valley"].pk, "OTF")]
    others = march.exclude(subject_id__in=ours)
    assert {n.data["missing"] for n in others} == {"RTF and OTF"}  # the world's providers
    sweep_due_notices(now=pacific(today.year, today.month, today.day, 9))
    inbox = Notice.objects.filter(kind=kind)
    users = {n.user for n in inbox}
    assert s["valley_admin"] in users
    assert s["harbor_admin"] not in users
    assert world.users["facility_admin"] not in users
    # the world's ECM users belong to its provider A, which sent nothing
    assert {u.pk for u in users} == {
        s["valley_admin"].pk,
        world.users["ecm_provider_staff"].pk,
        world.users["ecm_provider_admin"].pk,
    }
    valley_notice = inbox.get(user=s["valley_admin"])
    assert "OTF for 2026-03" in valley_notice.title


def test_a_file_arriving_before_the_send_time_cancels_the_reminder(setup, monkeypatch):
    s = setup
    produce_report_reminders(datetime.date(2026, 4, 10))
    send(
        monkeypatch,
        provider=s["valley"],
        user=s["valley_admin"],
        year=s["year"],
        month=3,
        kind="otf",
        content=otf_content(s["valley"], 2026, 3, 2),
        at=pacific(2026, 4, 10, 7),
    )
    sweep_due_notices(now=pacific(2026, 4, 10, 9))
    due_today = Notice.objects.filter(kind="ecm_report_due_today")
    assert not due_today.filter(user=s["valley_admin"]).exists()
    assert due_today.exists()  # the world's provider A still misses both files


def test_scores_published_after_the_due_day_with_a_notice(setup):
    s = setup
    assert (
        produce_scores(datetime.date(2026, 4, 10)) == 0
        or not MonthScore.objects.filter(month=3, published_at__isnull=False).exists()
    )
    published = produce_scores(datetime.date(2026, 4, 11))
    assert published >= 2
    march = MonthScore.objects.filter(month=3)
    assert all(score.published_at for score in march)
    assert produce_scores(datetime.date(2026, 4, 12)) == 0  # once
    sweep_due_notices(now=pacific(2026, 4, 11, 9))
    titles: dict = {}
    for n in Notice.objects.filter(kind="ecm_score_published"):
        titles.setdefault(n.user, set()).add(n.title)
    # January and February were past due without files: scored (as missing) and published too
    expected = {f"ECM QIP score for 2026-0{m} published" for m in (1, 2, 3)}
    assert titles[s["harbor_admin"]] == expected
    assert titles[s["valley_admin"]] == expected


def test_snf_users_preferences_leave_out_ecm_notices(world):
    from portal.notifications.selectors import notice_preferences_for

    snf = {row.kind.key for row in notice_preferences_for(user=world.users["facility_admin"])}
    ecm = {row.kind.key for row in notice_preferences_for(user=world.users["ecm_provider_admin"])}
    assert not {k for k in snf if k.startswith("ecm_")}
    assert {"ecm_report_due_soon", "ecm_report_late", "ecm_score_published"} <= ecm
