"""Production refuses to start on development parts; the embedded broker writes only under var/
(issue 13, fixes 2 and 4)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue

from portal.embedded import (
    embedded_broker_options,
    embedded_redis,
    redis_answers,
    release_embedded_redis,
)

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wqip",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "ALLOWED_HOSTS": "portal.example",
}


def start_production(entry: str, env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    env = {**os.environ, **PRODUCTION_ENV}
    for name in ("DEBUG", "SECURE_COOKIES", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update({k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"})
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", entry],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# the production entry points: gunicorn loads portal.wsgi, workers and beat load portal.celery
WSGI = "import portal.wsgi"
CELERY = "from portal.celery import app; from django.conf import settings; settings.DATABASES"


@pytest.mark.parametrize("entry", [WSGI, CELERY], ids=["wsgi", "celery"])
@pytest.mark.parametrize(
    "missing", ["DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "SECRET_KEY"]
)
def test_given_production_entry_point_when_variable_missing_then_refuses_naming_it(entry, missing):
    # when
    result = start_production(entry, {missing: None})
    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("entry", [WSGI, CELERY], ids=["wsgi", "celery"])
def test_given_production_entry_point_when_everything_set_then_prod_settings_load(entry):
    # when
    result = start_production(
        entry + "; from django.conf import settings; print(settings.SETTINGS_MODULE)", {}
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "portal.settings.prod"


def test_given_manage_py_when_no_variables_then_dev_settings_still_used():
    # when
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SETTINGS_MODULE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "portal.settings.dev"


def test_given_filesystem_broker_when_messages_published_then_nothing_written_outside_folder(
    tmp_path, monkeypatch
):
    # given: the broker folder, and a working directory that must stay empty
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    options = embedded_broker_options(tmp_path / "broker")
    exchange = Exchange("celery", type="direct")
    queue = Queue("celery", exchange, routing_key="celery")
    # when
    with Connection("filesystem://", transport_options=options) as conn:
        producer = conn.Producer()
        producer.publish({"x": 1}, exchange=exchange, routing_key="celery", declare=[queue])
        message = queue(conn.default_channel).get()
    # then
    assert message is not None
    assert message.payload == {"x": 1}
    assert list(cwd.iterdir()) == []
    assert (tmp_path / "broker" / "control" / "celery.exchange").exists()


def test_given_repository_when_listed_then_no_broker_control_folder():
    # when
    result = subprocess.run(
        ["git", "ls-files", "control"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    # then
    assert result.stdout == ""
    ignored = subprocess.run(["git", "check-ignore", "-q", "control/x.exchange"], cwd=ROOT)
    assert ignored.returncode == 0


def test_given_no_broker_or_cache_configured_when_dev_settings_load_then_embedded_redis_shared(
    tmp_path,
):
    # given: nothing configured but the database, a fresh var/ folder
    var = Path(tempfile.mkdtemp(prefix="wqip-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CELERY_BROKER_URL", "REDIS_URL", "CELERY_RESULT_BACKEND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/wqip",
        WQIP_VAR_DIR=str(var),
    )
    probe = (
        "import django; django.setup(); from django.conf import settings;"
        "from django.core.cache import cache; cache.set('probe', 42);"
        "print(settings.CELERY_BROKER_URL); print(settings.CACHES['default']['BACKEND']);"
        "print(cache.get('probe'))"
    )
    try:
        # when: two processes load the settings one after the other
        first = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
        )
        # then: a Redis server in var/redis is broker and cache
        assert first.returncode == 0, first.stderr
        broker, backend, value = first.stdout.split()
        assert broker == f"redis+socket://{var}/redis/redis.sock?virtual_host=0"
        assert backend == "portal.cache.PortalRedisCache"
        assert value == "42"
        # ... and the last process to exit stopped it
        assert not redis_answers(var / "redis" / "redis.sock")
        assert not (var / "broker").exists()
    finally:
        shutil.rmtree(var, ignore_errors=True)


def test_given_redis_url_on_unix_socket_when_worker_configured_then_result_backend_works():
    # given: broker and cache on the embedded server's socket, as a test hands them to a worker
    var = Path(tempfile.mkdtemp(prefix="wqip-"))
    socket_path = embedded_redis(folder=var / "redis")
    assert socket_path is not None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wqip",
        "CELERY_BROKER_URL": f"redis+socket://{socket_path}?virtual_host=0",
        "REDIS_URL": f"unix://{socket_path}?db=1",
    }
    env.pop("CELERY_RESULT_BACKEND", None)
    probe = (
        "import django; django.setup(); from portal.celery import app;"
        "print(app.conf.result_backend); print(app.backend.client.ping())"
    )
    try:
        # when
        result = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
        )
        # then
        assert result.returncode == 0, result.stderr
        backend, ping = result.stdout.split()
        assert backend == f"redis+socket://{socket_path}?virtual_host=1"
        assert ping == "True"
    finally:
        release_embedded_redis(var / "redis")
        shutil.rmtree(var, ignore_errors=True)
