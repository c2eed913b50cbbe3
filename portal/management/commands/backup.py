"""``manage.py backup [--to FOLDER]``: the database and the uploads into a new folder."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the uploads folder into var/backups/<time>/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", type=Path, default=None, help="parent folder (default var/backups)"
        )

    def handle(self, *args: object, **options: object) -> None:
        target = options["to"] or Path(settings.VAR_DIR) / "backups"
        assert isinstance(target, Path)
        try:
            folder = backup(target=target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {folder}")
