from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from portal.files.csvio import CsvImportError
from portal.models import RegistryImport, StateSource
from portal.registry.services import import_facilities
from portal.registry.state_diff import diff_lines
from portal.registry.state_import import (
    ImportNotPending,
    StateFile,
    apply_registry_import,
    stage_registry_import,
)
from portal.registry.state_layouts import is_contract_facilities_file


class Command(BaseCommand):
    help = (
        "Load the facility registry: a facilities.csv file (contract §1), or the CDPH Licensed "
        "and Certified Healthcare Facility Listing (CSV or XLSX, any vintage) with, optionally, "
        "its crosswalk and bed types file; the layout is told from the headers. All or nothing; "
        "--dry-run prints what would change and stores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--crosswalk", help="CDPH crosswalk (FACID, HCAI ID, CCN, NPI)")
        parser.add_argument("--bed-types", help="CDPH bed types and counts file")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would change; store nothing"
        )

    def handle(
        self,
        *args: object,
        path: str,
        crosswalk: str | None = None,
        bed_types: str | None = None,
        dry_run: bool = False,
        **options: object,
    ) -> None:
        try:
            with transaction.atomic():
                if is_contract_facilities_file(path):
                    if crosswalk or bed_types:
                        raise CommandError(
                            "--crosswalk and --bed-types go with the CDPH listing, "
                            "not with facilities.csv"
                        )
                    summary = str(import_facilities(path=path))
                else:
                    summary = self._state_files(path, crosswalk, bed_types, dry_run)
                transaction.set_rollback(dry_run)
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {exc.filename or path}: {exc.strerror}") from exc
        except ImportNotPending as exc:  # pragma: no cover - a concurrent change of the registry
            raise CommandError(str(exc)) from exc
        head = "facilities (dry run, nothing stored)" if dry_run else "facilities"
        self.stdout.write(f"{head}: {summary}")

    def _state_files(
        self, path: str, crosswalk: str | None, bed_types: str | None, dry_run: bool
    ) -> str:
        def state_file(source: str, name: str | None) -> StateFile | None:
            return StateFile(source, Path(name), Path(name).name) if name else None

        staged = stage_registry_import(
            listing=StateFile(StateSource.LISTING, Path(path), Path(path).name),
            crosswalk=state_file(StateSource.CROSSWALK, crosswalk),
            bed_types=state_file(StateSource.BED_TYPES, bed_types),
            origin=RegistryImport.Origin.COMMAND,
        )
        for line in diff_lines(staged.changes, staged.not_added):
            self.stdout.write(line)
        if not dry_run:
            apply_registry_import(registry_import=staged, actor=None)
        counts = staged.counts
        return (
            f"{counts['new']} new, {counts['changed']} changed, {counts['closed']} closed, "
            f"{counts['reopened']} reopened, {counts['missing']} not in the listing, "
            f"{counts['unchanged']} unchanged, {counts['not_added']} not added; "
            f"{counts['eligibility_flips']} eligibility change(s)"
        )
