"""portal 0003 turns every facility into an organisation of kind SNF with the same id, on a
database that had facilities, memberships and liaison assignments before it (a scratch
database beside the test database, migrated by manage.py as a deployment would)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def scratch_url() -> Iterator[str]:
    settings = connection.settings_dict
    name = f"{settings['NAME']}_migration"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    yield url
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_given_facilities_before_0003_when_migrated_then_each_is_an_snf_with_its_id(
    scratch_url,
):
    # given: the registry as it was before provider organisations
    _manage(scratch_url, "migrate", "portal", "0002", "--no-input")
    with psycopg.connect(scratch_url.replace("postgres://", "postgresql://")) as db:
        db.execute(
            """INSERT INTO portal_facility (id, npi, hcai_id, cdph_facid, name, facility_type,
                   licensed_beds, stp_beds, county, email, phone, address, created_at,
                   updated_at)
               VALUES (41, '1234567893', '206000041', '970000041', 'Alder Creek',
                       'NF_B_FREESTANDING', 99, 0, 'Alameda', 'a@example.test', '', '',
                       now(), now()),
                      (57, '1245319599', '206000057', '970000057', 'Birchwood',
                       'ICF_DD', 40, 0, 'Fresno', '', '', '', now(), now())"""
        )
        db.execute(
            """INSERT INTO portal_user (id, password, is_superuser, is_staff, is_active,
                   date_joined, email, full_name, role)
               VALUES (7, '!', false, false, true, now(), 's@a.example.test', 'Sam',
                       'facility_staff'),
                      (8, '!', false, false, true, now(), 'l@plan.example.test', 'Lee',
                       'ltss_liaison')"""
        )
        db.execute(
            """INSERT INTO portal_facilitymembership (user_id, facility_id, is_active, created_at)
               VALUES (7, 57, true, now())"""
        )
        db.execute(
            """INSERT INTO portal_liaisonassignment (facility_id, liaison_id, assigned_at)
               VALUES (41, 8, now())"""
        )
    # when
    _manage(scratch_url, "migrate", "--no-input")
    # then
    with psycopg.connect(scratch_url.replace("postgres://", "postgresql://")) as db:
        organisations = db.execute(
            "SELECT id, kind, npi, name, county FROM portal_organisation ORDER BY id"
        ).fetchall()
        facilities = db.execute(
            "SELECT organisation_ptr_id, hcai_id, is_wqip_eligible FROM portal_facility ORDER BY 1"
        ).fetchall()
        memberships = db.execute(
            "SELECT user_id, organisation_id FROM portal_organisationmembership"
        ).fetchall()
        liaison = db.execute("SELECT facility_id FROM portal_liaisonassignment").fetchall()
        next_id = db.execute(
            "INSERT INTO portal_organisation (kind, npi, tin, name, county, email, phone,"
            " address, is_active, created_at, updated_at) VALUES ('ecm_provider',"
            " '1000000004', '', 'New', '', '', '', '', true, now(), now()) RETURNING id"
        ).fetchone()
    assert organisations == [
        (41, "snf", "1234567893", "Alder Creek", "Alameda"),
        (57, "snf", "1245319599", "Birchwood", "Fresno"),
    ]
    assert facilities == [(41, "206000041", True), (57, "206000057", False)]
    assert memberships == [(7, 57)]
    assert liaison == [(41,)]
    assert next_id is not None
    assert next_id[0] > 57
    # and the models read the moved columns through the parent
    out = _manage(
        scratch_url,
        "shell",
        "-c",
        "from portal.models import Facility, User;"
        "f = Facility.objects.get(pk=57); u = User.objects.get(pk=7);"
        "print(f.name, f.npi, f.kind, list(u.memberships.values_list('organisation__name',"
        " flat=True)))",
    )
    assert out.strip().splitlines()[-1] == "Birchwood 1245319599 snf ['Birchwood']"
