"""Issue 13: /healthz and /readyz, JSON logs with request id and user id and no PHI, Sentry."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings
from django.urls import reverse

from portal.models import Role
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.test_bed_day_views import computed, facility_url

ROOT = Path(__file__).resolve().parents[2]
CLOSED = "127.0.0.1:1"  # nothing listens on port 1


@contextmanager
def captured_log(level: int = logging.DEBUG) -> Iterator[io.StringIO]:
    """Every line logged meanwhile, formatted as production formats it (settings.LOGGING)."""
    root = logging.getLogger()
    console = next(h for h in root.handlers if h.get_name() == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def json_lines(stream: io.StringIO) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


# --- probes ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_nobody_signed_in_when_probing_then_healthz_and_readyz_answer_ok(client):
    # when
    health = client.get("/healthz")
    ready = client.get("/readyz")
    # then
    assert (health.status_code, health.content) == (200, b"ok")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }
    assert "no-cache" in ready["Cache-Control"]


@pytest.mark.django_db
def test_given_plan_staff_without_mfa_when_probing_then_not_sent_to_mfa_setup(client):
    # given: plan staff without TOTP are sent to set it up before any page...
    client.force_login(UserFactory.create(role=Role.FINANCE_ANALYST))
    # when
    ready = client.get("/readyz")
    # then: ...but not before the probes
    assert ready.status_code == 200


@pytest.mark.django_db
def test_given_cache_down_when_readyz_then_503_naming_the_cache(client):
    # given
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": f"redis://{CLOSED}/0"}}  # fmt: skip
    # when
    with override_settings(CACHES=down), captured_log(logging.WARNING) as log:
        ready = client.get("/readyz")
    # then
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["cache"]
    assert ready.json()["checks"] == {"database": "ok", "cache": "failed", "broker": "ok"}
    warning = next(line for line in json_lines(log) if line["message"] == "readiness check failed")
    assert (warning["check"], warning["level"]) == ("cache", "WARNING")


@pytest.mark.django_db
def test_given_broker_down_when_readyz_then_503_naming_the_broker(client):
    with override_settings(
        CELERY_BROKER_URL=f"redis://{CLOSED}/0", CELERY_BROKER_TRANSPORT_OPTIONS={}
    ):
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["broker"]


def test_given_database_cache_and_broker_down_when_readyz_then_503_naming_all_three():
    # given: a process whose database, cache and broker do not answer
    script = (
        "import django; django.setup()\n"
        "from django.test.utils import setup_test_environment; setup_test_environment()\n"
        "from django.test import Client\n"
        "r = Client().get('/readyz'); print(r.status_code, r.content.decode())\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://postgres@{CLOSED}/nothing",
        "CELERY_BROKER_URL": f"redis://{CLOSED}/0",
        "REDIS_URL": f"redis://{CLOSED}/1",
    }
    # when
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    # then (the test settings keep a per-process cache, which answers)
    status, body = done.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body)["failed"] == ["database", "broker"]


# --- logs ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_given_signed_in_user_when_requesting_then_json_line_with_request_and_user_id(client):
    # given
    facility = FacilityFactory.create()
    user = UserFactory.create(role=Role.FACILITY_STAFF, facilities=[facility])
    client.force_login(user)
    # when
    with captured_log(logging.INFO) as log:
        response = client.get("/?q=secret-search")
    # then
    request_id = response["X-Request-ID"]
    line = next(line for line in json_lines(log) if line["message"] == "request")
    assert line["request_id"] == request_id
    assert len(request_id) == 32
    assert line["user_id"] == user.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert line["logger"] == "portal.request"
    assert "time" in line
    assert line["ms"] >= 0
    assert "secret-search" not in log.getvalue()


@pytest.mark.django_db
def test_given_request_id_header_when_requesting_then_kept_only_when_plain_token(client):
    good = client.get("/healthz", headers={"X-Request-ID": "lb-4f2a9c1e-77"})
    bad = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert good["X-Request-ID"] == "lb-4f2a9c1e-77"
    assert bad["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(bad["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_given_member_drill_down_when_logged_at_debug_then_no_member_id_in_log(tmp_path):
    # given: three members' bed days, seen whole (unmasked) by a finance analyst
    facility = FacilityFactory.create()
    computed(tmp_path, facility)
    member_ids = [f"91{n:07d}A" for n in range(3)]
    analyst = UserFactory.create(role=Role.FINANCE_ANALYST)
    Authenticator.objects.create(user=analyst, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(analyst)
    # when: the drill-down page, its downloads, and a search by member ID
    with captured_log(logging.DEBUG) as log:
        page = client.get(facility_url(facility))
        csv = client.get(facility_url(facility, format="csv"))
        searched = client.get(facility_url(facility, q=member_ids[0]))
        missing = client.get(
            reverse("wqip:bed_day_facility", args=[facility.pk + 999]) + f"?q={member_ids[1]}"
        )
    # then: the pages show them; the log has the requests, by id, and none of the member IDs
    assert all(member_id in page.content.decode() for member_id in member_ids)
    assert member_ids[0] in csv.content.decode()
    assert (searched.status_code, missing.status_code) == (200, 404)
    lines = json_lines(log)
    requests = [line for line in lines if line["message"] == "request"]
    assert len(requests) == 4
    assert {line["user_id"] for line in requests} == {analyst.pk}
    text = log.getvalue()
    assert not [member_id for member_id in member_ids if member_id in text]
    assert analyst.email not in text


def test_given_celery_task_when_it_logs_then_request_id_is_the_task_id():
    from celery.signals import task_postrun, task_prerun

    task_id = uuid.uuid4().hex
    with captured_log(logging.INFO) as log:
        task_prerun.send(sender=None, task_id=task_id, task=None, args=(), kwargs={})
        logging.getLogger("programs.wqip.tasks").info("claims import started")
        task_postrun.send(sender=None, task_id=task_id, task=None, args=(), kwargs={})
        logging.getLogger("programs.wqip.tasks").info("between tasks")
    during, after = json_lines(log)
    assert (during["request_id"], during["user_id"]) == (task_id, None)
    assert after["request_id"] is None


# --- Sentry ----------------------------------------------------------------------------------


def test_given_sentry_dsn_when_settings_load_then_sentry_on_without_personal_data():
    script = (
        "import django; django.setup()\n"
        "import sentry_sdk; o = sentry_sdk.get_client().options\n"
        "print(sentry_sdk.get_client().is_active(), o['send_default_pii'], o['dsn'])\n"
    )
    dsn = "http://publickey@127.0.0.1:9/1"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "SENTRY_DSN": dsn}
    without = {k: v for k, v in env.items() if k != "SENTRY_DSN"}
    on = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    off = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=without,
                         capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    assert on.stdout.split() == ["True", "False", dsn]
    assert off.stdout.split()[0] == "False"  # no DSN: nothing is sent anywhere


# --- check --deploy with every production part on -------------------------------------------


def test_given_production_environment_with_s3_and_sentry_when_check_deploy_then_no_issue():
    import secrets

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wqip"),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "ALLOWED_HOSTS": "portal.example",
        "CSRF_TRUSTED_ORIGINS": "https://portal.example",
        "EMAIL_URL": "smtp://mailer:secret@mail.example:587",
        "WQIP_S3_BUCKET": "plan-uploads",
        "AWS_S3_ENDPOINT_URL": "https://s3.plan.example",
        "SENTRY_DSN": "https://publickey@sentry.plan.example/4",
        "WQIP_TRUSTED_PROXY_COUNT": "1",
    }
    for name in ("DEBUG", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # test-run leftovers
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
