"""Back up and restore the database (pg_dump / pg_restore) and the uploads folder.

A backup is a folder ``<target>/<UTC time>/`` holding ``database.dump`` (pg_dump's custom
format), ``uploads.tar.gz`` (PRIVATE_MEDIA_ROOT; absent when uploads live in object storage,
whose own versioning or replication backs them up) and ``manifest.json`` (when, what, SHA-256 of
each file). ``manage.py backup`` / ``manage.py restore`` (``make backup`` / ``make restore``)
call these functions; docs/operations.md says when and how.

The PostgreSQL programs are taken from ``WQIP_PG_BIN_DIR``, the embedded server's own (the
pgserver wheel ships them) or ``PATH``: the first whose major version is at least the server's.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

DUMP_NAME = "database.dump"
UPLOADS_NAME = "uploads.tar.gz"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    pass


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    if os.environ.get("WQIP_PG_BIN_DIR"):
        dirs.append(Path(os.environ["WQIP_PG_BIN_DIR"]))
    spec = importlib.util.find_spec("pgserver")  # its programs, without starting anything
    if spec is not None and spec.submodule_search_locations:
        dirs += [Path(p) / "pginstall" / "bin" for p in spec.submodule_search_locations]
    dirs += [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    return dirs


def _major(program: Path) -> int:
    out = subprocess.run(  # noqa: S603 - a PostgreSQL program found above, no shell
        [str(program), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def pg_program(name: str, *, server_major: int) -> Path:
    """The first ``name`` (pg_dump, pg_restore) able to work with a server of this version."""
    seen = []
    for folder in _candidate_dirs():
        program = folder / name
        if program.is_file() and os.access(program, os.X_OK):
            major = _major(program)
            seen.append(f"{program} ({major})")
            if major >= server_major:
                return program
    raise BackupError(
        f"no {name} of PostgreSQL {server_major} or newer found (tried: {', '.join(seen) or '-'})"
        "; set WQIP_PG_BIN_DIR to the folder of the PostgreSQL client programs"
    )


def _connection_args(alias: str = "default") -> tuple[list[str], dict[str, str], int]:
    """Command-line options, environment (password) and the server's major version."""
    connection = connections[alias]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    params = connection.settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env, server_major


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def uploads_on_local_disk() -> bool:
    from django.core.files.storage import FileSystemStorage, storages

    return isinstance(storages["private"], FileSystemStorage)


def backup(*, target: Path, now: datetime.datetime | None = None) -> Path:
    """Write a new backup folder under ``target`` and return it."""
    now = now or datetime.datetime.now(tz=datetime.UTC)
    folder = target / now.strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=False)
    args, env, server_major = _connection_args()
    pg_dump = pg_program("pg_dump", server_major=server_major)
    dump = folder / DUMP_NAME
    done = subprocess.run(  # noqa: S603 - pg_dump with the settings' values, no shell
        [
            str(pg_dump),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(dump),
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    files: dict[str, Any] = {DUMP_NAME: {"bytes": dump.stat().st_size, "sha256": _sha256(dump)}}
    uploads_root = Path(settings.PRIVATE_MEDIA_ROOT)
    if uploads_on_local_disk():
        archive = folder / UPLOADS_NAME
        with tarfile.open(archive, "w:gz") as tar:
            if uploads_root.exists():
                tar.add(uploads_root, arcname=".")
        files[UPLOADS_NAME] = {"bytes": archive.stat().st_size, "sha256": _sha256(archive)}
    manifest = {
        "created": now.isoformat(),
        "database": connections["default"].settings_dict["NAME"],
        "server_major": server_major,
        "pg_dump": str(pg_dump),
        "uploads": str(uploads_root) if uploads_on_local_disk() else "object storage",
        "files": files,
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def restore(*, folder: Path) -> dict[str, Any]:
    """Replace the database's objects and the uploads folder by those of a backup folder."""
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    for name, facts in manifest["files"].items():
        if _sha256(folder / name) != facts["sha256"]:
            raise BackupError(f"{folder / name} does not match its checksum in the manifest")
    args, env, server_major = _connection_args()
    connections.close_all()  # pg_restore drops and creates tables: hold no locks on them
    pg_restore = pg_program("pg_restore", server_major=server_major)
    done = subprocess.run(  # noqa: S603 - pg_restore with the settings' values, no shell
        [
            str(pg_restore),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(folder / DUMP_NAME),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {done.stderr.strip()}")
    if UPLOADS_NAME in manifest["files"]:
        _restore_uploads(folder / UPLOADS_NAME, Path(settings.PRIVATE_MEDIA_ROOT))
    return manifest


def _restore_uploads(archive: Path, root: Path) -> None:
    """Unpack next to the uploads folder, then swap folders (the old one is removed last)."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root.parent))
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(staging, filter="data")
    old = root.with_name(root.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if root.exists():
        root.rename(old)
    staging.rename(root)
    if old.exists():
        shutil.rmtree(old)
