from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from portal.files.csvio import CsvImportError
from programs.wqip.services.citations import import_citations


class Command(BaseCommand):
    help = (
        "Load CDPH enforcement actions: our citations.csv extract (contract §1), the State "
        "Enforcement Actions workbook (XLSX) or the enforcement dashboard's export (CSV or "
        "XLSX), told apart by their headers. Rows for facilities not in the registry are "
        "skipped and counted. All or nothing; --dry-run stores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and check the file; store nothing"
        )

    def handle(self, *args: object, path: str, dry_run: bool = False, **options: object) -> None:
        try:
            with transaction.atomic():
                summary = import_citations(path=path)
                transaction.set_rollback(dry_run)
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        head = "citations (dry run, nothing stored)" if dry_run else "citations"
        self.stdout.write(f"{head}: {summary} (not in the registry)")
