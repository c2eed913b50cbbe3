"""``manage.py restore FOLDER --yes``: put a backup back (database objects and uploads)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from portal.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by 'backup': replaces the database's tables and the "
        "uploads folder. Stop the web, worker and beat processes first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm the replacement")

    def handle(self, *args: object, **options: object) -> None:
        folder = options["folder"]
        assert isinstance(folder, Path)
        database = connections["default"].settings_dict["NAME"]
        if not options["yes"]:
            raise CommandError(
                f"This replaces the tables of database '{database}' and the uploads folder "
                f"{settings.PRIVATE_MEDIA_ROOT} with the backup in {folder}. "
                "Run again with --yes to go ahead."
            )
        if not (folder / "manifest.json").is_file():
            raise CommandError(f"{folder} is not a backup folder (no manifest.json)")
        try:
            manifest = restore(folder=folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup of {manifest['created']} into '{database}'")
