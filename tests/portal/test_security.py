"""Production settings pass Django's deployment checks; pages carry a strict CSP."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates"]


def test_given_production_settings_when_check_deploy_then_no_issue():
    # given
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wqip"),
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",  # production refuses to start without
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "ALLOWED_HOSTS": "portal.example",
    }
    for name in ("DEBUG", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # test-run leftovers
        env.pop(name, None)
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    # the one silenced check is axes.W006 (docs/security.md: addresses are throttled by allauth)
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_given_production_settings_when_weak_secret_key_then_refused():
    # given
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "SECRET_KEY": "short",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wqip",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "ALLOWED_HOSTS": "portal.example",
    }
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_given_any_page_when_served_then_strict_csp_header(client):
    # when
    response = client.get(reverse("account_login"))
    # then
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_given_project_templates_when_scanned_then_no_inline_script_or_style():
    # given
    templates = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
    # when
    offending = [
        str(p.relative_to(ROOT))
        for p in templates
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|<style", p.read_text())
    ]
    # then
    assert templates
    assert not offending
