"""Issue 13: ``manage.py backup`` / ``restore`` (make backup / make restore) round trip."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from portal.models import Facility
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_given_backup_when_data_and_uploads_change_then_restore_puts_both_back(tmp_path):
    # given: a facility, an upload, and a backup of both
    uploads = tmp_path / "private"
    (uploads / "opt_ins" / "7").mkdir(parents=True)
    (uploads / "opt_ins" / "7" / "w9.pdf").write_bytes(b"%PDF-1.4 the original")
    kept = FacilityFactory.create(name="Harbor View Post-Acute")
    with override_settings(PRIVATE_MEDIA_ROOT=uploads):
        out = io.StringIO()
        call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
        folder = tmp_path / "backups" / out.getvalue().strip().rsplit("/", 1)[1]
        manifest = json.loads((folder / "manifest.json").read_text())
        # when: the data and the files change after the backup...
        Facility.objects.filter(pk=kept.pk).delete()
        later = FacilityFactory.create(name="Added after the backup")
        (uploads / "opt_ins" / "7" / "w9.pdf").write_bytes(b"%PDF-1.4 overwritten")
        (uploads / "stray.pdf").write_bytes(b"%PDF-1.4 new")
        # ...and the backup is restored
        call_command("restore", str(folder), "--yes", stdout=io.StringIO())
    # then
    assert set(manifest["files"]) == {"database.dump", "uploads.tar.gz"}
    assert Facility.objects.get(pk=kept.pk).name == "Harbor View Post-Acute"
    assert not Facility.objects.filter(pk=later.pk).exists()
    assert (uploads / "opt_ins" / "7" / "w9.pdf").read_bytes() == b"%PDF-1.4 the original"
    assert not (uploads / "stray.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "private"]


def test_given_restore_without_yes_then_refused_naming_what_it_replaces(tmp_path):
    with pytest.raises(CommandError, match="Run again with --yes"):
        call_command("restore", str(tmp_path))


def test_given_tampered_backup_when_restoring_then_refused_and_nothing_changed(tmp_path):
    # given
    kept = FacilityFactory.create(name="Oak Grove Subacute")
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path / "private"):
        out = io.StringIO()
        call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
        folder = tmp_path / "backups" / out.getvalue().strip().rsplit("/", 1)[1]
        with open(folder / "database.dump", "ab") as dump:
            dump.write(b"x")
        later = FacilityFactory.create(name="Kept: the restore is refused")
        # when / then
        with pytest.raises(CommandError, match=r"database\.dump does not match its checksum"):
            call_command("restore", str(folder), "--yes")
    assert Facility.objects.filter(pk__in=[kept.pk, later.pk]).count() == 2


@pytest.mark.integration
def test_given_embedded_default_when_make_backup_and_restore_then_round_trip(tmp_path):
    """The no-server default (pgserver's PostgreSQL in var/pgdata): the programs `make backup`
    and `make restore` run, in their own processes, against a fresh embedded server."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        WQIP_VAR_DIR=str(tmp_path / "var"),
        CELERY_BROKER_URL="memory://",
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
    )

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def facilities() -> list[str]:
        script = (
            "import json; from portal.models import Facility; "
            "print(json.dumps(sorted(Facility.objects.values_list('npi', flat=True))))"
        )
        return json.loads(manage("shell", "-c", script).strip().splitlines()[-1])

    # given: the embedded database with the demo registry and one upload
    manage("migrate", "--noinput", "-v0")
    manage("import_facilities", str(root / "portal" / "demo_data" / "facilities.csv"))
    upload = tmp_path / "var" / "private" / "opt_ins" / "1" / "w9.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 w9")
    before = facilities()
    folder = manage("backup").strip().rsplit(" ", 1)[1]
    # when: everything is deleted, then the backup restored
    manage("shell", "-c", "from portal.models import Facility; Facility.objects.all().delete()")
    upload.unlink()
    assert facilities() == []
    manage("restore", folder, "--yes")
    # then
    assert len(before) == 10
    assert facilities() == before
    assert upload.read_bytes() == b"%PDF-1.4 w9"
