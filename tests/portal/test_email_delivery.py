"""E-mail never holds the database while an SMTP server is spoken to, and a silent server
cannot hang a worker (issue 13 fix 5)."""

from __future__ import annotations

import datetime
import socket
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections

from portal.calendar.dates import pacific_time
from portal.models import OutboundEmail, Role
from portal.notifications.services import (
    deliver_outbound_emails,
    schedule_notice,
    sweep_due_notices,
)
from programs.wqip.models import ProgramYear
from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SEEN: list[dict[str, object]] = []


class LockProbeBackend(BaseEmailBackend):
    """Records, at the moment of 'talking to SMTP', whether this process has a transaction
    open and whether another session can lock the outbox rows without waiting."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        other = connections.create_connection("default")
        try:
            other.set_autocommit(False)
            with other.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
                try:
                    cursor.execute("SELECT id FROM portal_outboundemail FOR UPDATE NOWAIT")
                    rows_free = True
                except Exception:
                    rows_free = False
            other.rollback()
        finally:
            other.close()
        SEEN.append({"in_transaction": connection.in_atomic_block, "rows_free": rows_free})
        return len(email_messages)


def queue_email() -> None:
    facility = FacilityFactory.create()
    UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[facility])
    year = ProgramYear.objects.get(year=2025)
    schedule_notice(
        kind="opt_in_window_opening",
        subject=year,
        facility=facility,
        due_at=pacific_time(datetime.date(2025, 6, 2), 8),
        data={"opens_on": year.opt_in_opens_on, "closes_on": year.opt_in_closes_on},
        link="/",
    )
    sweep_due_notices(now=pacific_time(datetime.date(2025, 6, 2), 9), deliver_emails=False)
    assert OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING).count() == 1


def test_given_pending_email_when_delivered_then_no_transaction_or_row_lock_during_smtp(
    settings,
):
    # given
    settings.EMAIL_BACKEND = "tests.portal.test_email_delivery.LockProbeBackend"
    queue_email()
    SEEN.clear()
    # when
    sent, failed = deliver_outbound_emails()
    # then
    assert (sent, failed) == (1, 0)
    assert SEEN == [{"in_transaction": False, "rows_free": True}]
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT
    # ... and a second delivery sends nothing again
    assert deliver_outbound_emails() == (0, 0)
    assert len(SEEN) == 1


def test_given_settings_when_read_then_smtp_timeout_set():
    assert django_settings.EMAIL_TIMEOUT == 10
    backend = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert backend.timeout == 10  # type: ignore[attr-defined]


def test_given_smtp_server_that_never_answers_when_delivering_then_fails_in_time_and_retried(
    settings,
):
    # given: a server that accepts connections and says nothing
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    queue_email()
    outcome: list[tuple[int, int]] = []
    # when
    started = time.monotonic()
    worker = threading.Thread(target=lambda: outcome.append(deliver_outbound_emails()))
    worker.start()
    worker.join(timeout=30)
    silent.close()
    # then: the send gave up after the timeout; the e-mail waits for the next sweep
    assert not worker.is_alive(), "delivery hung on a silent SMTP server"
    assert time.monotonic() - started < 15
    assert outcome == [(0, 1)]
    row = OutboundEmail.objects.get()
    assert (row.state, row.attempts) == (OutboundEmail.State.PENDING, 1)
    assert "timed out" in row.last_error.lower() or "timeout" in row.last_error.lower()
    connections.close_all()
