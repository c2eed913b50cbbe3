import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.files.csvio import CsvImportError
from portal.models import Organisation, OrganisationKind, User
from programs.ecm.engine.deadlines import PACIFIC
from programs.ecm.models import MeasurementYear
from programs.ecm.services.intake import accept_report


class Command(BaseCommand):
    help = (
        "Take in a provider's RTF or OTF for a month on the plan's behalf (all or nothing). "
        "--received-at keeps the original receipt time (ISO 8601; without a zone: California "
        "time), which decides on time or late."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--provider-npi", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--kind", choices=["rtf", "otf"], required=True)
        parser.add_argument("--received-at", default="")
        parser.add_argument("--actor", required=True, help="e-mail of the plan manager importing")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]))
        try:
            provider = Organisation.objects.get(
                kind=OrganisationKind.ECM_PROVIDER, npi=options["provider_npi"]
            )
            year = MeasurementYear.objects.get(year=int(str(options["year"])))
            actor = User.objects.get(email__iexact=options["actor"])
        except (Organisation.DoesNotExist, MeasurementYear.DoesNotExist, User.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        received_at = None
        if options["received_at"]:
            try:
                received_at = datetime.datetime.fromisoformat(str(options["received_at"]))
            except ValueError as exc:
                raise CommandError(f"--received-at: {exc}") from exc
            if received_at.tzinfo is None:
                received_at = received_at.replace(tzinfo=PACIFIC)
        try:
            report = accept_report(
                provider=provider,
                measurement_year=year,
                month=int(str(options["month"])),
                kind=str(options["kind"]),
                content=path.read_bytes(),
                file_name=path.name,
                actor=actor,
                received_at=received_at,
            )
        except CsvImportError as exc:
            raise CommandError(str(exc)) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        timing = "on time" if report.on_time else "late"
        self.stdout.write(
            f"{report.get_kind_display()} {report.period} of {provider.name}: "
            f"{report.row_count} rows, {timing} (due {report.due_on.isoformat()})"
        )
