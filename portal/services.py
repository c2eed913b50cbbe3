"""Writes for the core domain: facilities registry, program years and opt-in decisions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from portal.audit import record_event, record_revision
from portal.csvio import CsvImportError, RowError, parse_int, read_csv, require
from portal.models import (
    Facility,
    FacilityMembership,
    FacilityType,
    OptIn,
    OptInTransition,
    ProgramYear,
    Role,
    User,
)
from portal.models.facilities import validate_hcai_id, validate_npi
from portal.params import int_param

FACILITY_COLUMNS = (
    "npi",
    "hcai_id",
    "cdph_facid",
    "name",
    "facility_type",
    "licensed_beds",
    "stp_beds",
    "county",
)


@dataclass(frozen=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        parts = [
            f"{self.created} created",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return ", ".join(parts)


def _validator_errors(validator, value: str, line: int, column: str) -> list[RowError]:  # type: ignore[no-untyped-def]
    try:
        validator(value)
    except ValidationError as exc:
        return [RowError(line, column, " ".join(exc.messages))]
    return []


def _parse_facility_row(line: int, row: dict[str, str]) -> tuple[dict, list[RowError]]:  # type: ignore[type-arg]
    errors = require(row, ("npi", "hcai_id", "cdph_facid", "name", "facility_type"), line)
    values: dict = {}  # type: ignore[type-arg]
    if row["npi"]:
        errors += _validator_errors(validate_npi, row["npi"], line, "npi")
    if row["hcai_id"]:
        errors += _validator_errors(validate_hcai_id, row["hcai_id"], line, "hcai_id")
    if row["facility_type"] and row["facility_type"] not in FacilityType.values:
        errors.append(
            RowError(
                line,
                "facility_type",
                f"unknown facility type '{row['facility_type']}' "
                f"(expected one of {', '.join(FacilityType.values)})",
            )
        )
    for column in ("licensed_beds", "stp_beds"):
        try:
            values[column] = parse_int(row[column] or ("0" if column == "stp_beds" else ""))
        except ValueError as exc:
            errors.append(RowError(line, column, str(exc)))
    if not errors and values["stp_beds"] > values["licensed_beds"]:
        errors.append(RowError(line, "stp_beds", "STP beds exceed licensed beds"))
    email = row.get("email", "")
    if email:
        errors += _validator_errors(validate_email, email, line, "email")
    values.update(
        hcai_id=row["hcai_id"],
        cdph_facid=row["cdph_facid"],
        name=row["name"],
        facility_type=row["facility_type"],
        county=row["county"],
        email=email,
    )
    return values, errors


@transaction.atomic
def import_facilities(*, path: Path | str, actor: User | None = None) -> ImportSummary:
    """Load the registry (contract §1); re-importing an NPI updates it. All or nothing."""
    rows = read_csv(path, required=FACILITY_COLUMNS, optional=("email",))
    parsed: dict[str, dict] = {}  # type: ignore[type-arg]
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        values, row_errors = _parse_facility_row(line, row)
        errors += row_errors
        npi = row["npi"]
        if npi in first_line and not row_errors:
            errors.append(RowError(line, "npi", f"NPI {npi} already on line {first_line[npi]}"))
        first_line.setdefault(npi, line)
        parsed[npi] = values
    if errors:
        raise CsvImportError(errors, str(path))

    existing = {f.npi: f for f in Facility.objects.select_for_update().filter(npi__in=parsed)}
    created = updated = unchanged = 0
    for npi, values in parsed.items():
        facility = existing.get(npi)
        if facility is None:
            Facility.objects.create(npi=npi, **values)
            created += 1
            continue
        changed = [k for k, v in values.items() if getattr(facility, k) != v]
        if not changed:
            unchanged += 1
            continue
        for key in changed:
            setattr(facility, key, values[key])
        facility.save(update_fields=[*changed, "updated_at"])
        updated += 1
    summary = ImportSummary(created=created, updated=updated, unchanged=unchanged)
    if created or updated:
        record_revision(kind="facilities", actor=actor, detail=Path(path).name)
    record_event(
        actor=actor,
        action="facilities.imported",
        reason=f"import of {Path(path).name}",
        data={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return summary


OPT_IN_STATUS_FROM_FILE = {
    "APPROVED": OptIn.Status.APPROVED,
    "REJECTED": OptIn.Status.REJECTED,
    "SUBMITTED": OptIn.Status.SUBMITTED,
}


@transaction.atomic
def import_opt_ins(*, path: Path | str, actor: User | None = None) -> ImportSummary:
    """Bulk load of opt-in decisions (contract §1 opt_ins.csv). All or nothing.

    Several rows for one facility and year: an APPROVED row wins (contract: a facility is
    opted in when one of its records for the year is APPROVED), else the last row.
    """
    rows = read_csv(path, required=("facility_npi", "program_year", "status"))
    facilities = dict(Facility.objects.values_list("npi", "id"))
    years = {py.year: py for py in ProgramYear.objects.all()}
    errors: list[RowError] = []
    decided: dict[tuple[int, int], str] = {}
    for line, row in rows:
        row_errors = require(row, ("facility_npi", "program_year", "status"), line)
        npi, year_text, status_text = row["facility_npi"], row["program_year"], row["status"]
        if npi and npi not in facilities:
            row_errors.append(RowError(line, "facility_npi", f"unknown facility NPI {npi}"))
        year = int_param(year_text)
        if year_text and year not in years:
            known = ", ".join(str(y) for y in sorted(years))
            row_errors.append(
                RowError(line, "program_year", f"'{year_text}' is not a program year ({known})")
            )
        status = OPT_IN_STATUS_FROM_FILE.get(status_text.upper())
        if status_text and status is None:
            row_errors.append(
                RowError(line, "status", f"'{status_text}' is not APPROVED, REJECTED or SUBMITTED")
            )
        errors += row_errors
        if row_errors or year is None or status is None:
            continue
        key = (facilities[npi], year)
        if decided.get(key) != OptIn.Status.APPROVED:
            decided[key] = status
    if errors:
        raise CsvImportError(errors, str(path))

    created = updated = unchanged = 0
    for (facility_id, year), status in decided.items():
        opt_in, was_created = OptIn.objects.select_for_update().get_or_create(
            facility_id=facility_id,
            program_year=years[year],
            defaults={"status": status, "source": "import"},
        )
        if was_created:
            OptInTransition.objects.create(
                opt_in=opt_in, to_status=status, actor=actor, reason=f"import of {Path(path).name}"
            )
            created += 1
        elif opt_in.status != status:
            old = opt_in.status
            opt_in.status = status
            opt_in.save(update_fields=["status", "updated_at"])
            OptInTransition.objects.create(
                opt_in=opt_in,
                from_status=old,
                to_status=status,
                actor=actor,
                reason=f"import of {Path(path).name}",
            )
            record_event(
                actor=actor,
                action="opt_in.status_imported",
                target=opt_in,
                reason=f"import of {Path(path).name}",
                data={"from": old, "to": status},
            )
            updated += 1
        else:
            unchanged += 1
    for year in sorted({year for (_, year) in decided}):
        record_revision(kind="opt_ins", program_year=year, actor=actor, detail=Path(path).name)
    record_event(
        actor=actor,
        action="opt_ins.imported",
        reason=f"import of {Path(path).name}",
        data={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return ImportSummary(created=created, updated=updated, unchanged=unchanged)


# --- program years ---------------------------------------------------------------------------


def _require_role(actor: User, *roles: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied(f"{actor} ({actor.role}) may not do this")


@transaction.atomic
def update_program_year_window(
    *,
    program_year: ProgramYear,
    opt_in_opens_on: datetime.date | None,
    opt_in_closes_on: datetime.date | None,
    actor: User,
) -> ProgramYear:
    """Program administrators set a program year's opt-in window (inclusive dates)."""
    _require_role(actor, Role.PROGRAM_ADMIN)
    if opt_in_opens_on and opt_in_closes_on and opt_in_closes_on < opt_in_opens_on:
        raise ValidationError("The window cannot close before it opens.")
    program_year = ProgramYear.objects.select_for_update().get(pk=program_year.pk)
    before = {
        "opt_in_opens_on": program_year.opt_in_opens_on,
        "opt_in_closes_on": program_year.opt_in_closes_on,
    }
    after = {"opt_in_opens_on": opt_in_opens_on, "opt_in_closes_on": opt_in_closes_on}
    if before == after:
        return program_year
    program_year.opt_in_opens_on = opt_in_opens_on
    program_year.opt_in_closes_on = opt_in_closes_on
    program_year.save(update_fields=["opt_in_opens_on", "opt_in_closes_on"])
    record_event(
        actor=actor,
        action="program_year.window_changed",
        target=program_year,
        data={
            "from": {k: v.isoformat() if v else None for k, v in before.items()},
            "to": {k: v.isoformat() if v else None for k, v in after.items()},
        },
    )
    return program_year


# --- facility users, managed by facility administrators --------------------------------------


def _administered_facility_ids(admin: User) -> set[int]:
    if admin.role != Role.FACILITY_ADMIN or not admin.is_active:
        return set()
    return set(
        FacilityMembership.objects.filter(user=admin, is_active=True).values_list(
            "facility_id", flat=True
        )
    )


def set_password_url(*, user: User, base_url: str) -> str:
    """A one-time link (valid PASSWORD_RESET_TIMEOUT seconds) to allauth's reset form."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def invite_facility_user(
    *,
    admin: User,
    email: str,
    full_name: str,
    role: str,
    facilities: list[Facility],
    base_url: str,
) -> User:
    """Create (or re-activate) a facility user of the admin's facilities and e-mail them a
    link to set their password. Plan staff and users of other facilities are never touched."""
    allowed = _administered_facility_ids(admin)
    if not allowed:
        raise PermissionDenied("Only facility administrators invite users.")
    if role not in (Role.FACILITY_STAFF, Role.FACILITY_ADMIN):
        raise ValidationError(
            "A facility administrator can invite facility staff or administrators."
        )
    if not facilities or any(f.pk not in allowed for f in facilities):
        raise PermissionDenied("You can only give access to your own facilities.")
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name, role=role)
    elif user.role not in (Role.FACILITY_STAFF, Role.FACILITY_ADMIN):
        raise ValidationError("This e-mail address belongs to a plan account.")
    else:
        changed = []
        if not user.is_active:
            user.is_active = True
            changed.append("is_active")
        if full_name and user.full_name != full_name:
            user.full_name = full_name
            changed.append("full_name")
        if user.role != role:
            user.role = role
            changed.append("role")
        if changed:
            user.save(update_fields=changed)
    for facility in facilities:
        membership, _ = FacilityMembership.objects.get_or_create(user=user, facility=facility)
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
    record_event(
        actor=admin,
        action="user.invited" if created else "user.access_granted",
        target=user,
        data={"role": role, "facilities": sorted(f.npi for f in facilities)},
    )
    context = {
        "user": user,
        "inviter": admin.get_full_name(),
        "facilities": ", ".join(f.name for f in facilities),
        "set_password_url": set_password_url(user=user, base_url=base_url),
        "reset_url": base_url.rstrip("/") + reverse("account_reset_password"),
    }
    subject = render_to_string("portal/email/invite_subject.txt", context).strip()
    body = render_to_string("portal/email/invite_message.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )
    return user


@transaction.atomic
def deactivate_facility_user(*, admin: User, user: User) -> User:
    """End the user's access to the admin's facilities; with no facility left the account is
    deactivated (it can no longer sign in)."""
    allowed = _administered_facility_ids(admin)
    if not allowed or user.role not in (Role.FACILITY_STAFF, Role.FACILITY_ADMIN):
        raise PermissionDenied("Only facility administrators deactivate facility users.")
    if user.pk == admin.pk:
        raise ValidationError("You cannot deactivate your own account.")
    memberships = FacilityMembership.objects.select_for_update().filter(
        user=user, facility_id__in=allowed, is_active=True
    )
    ended = sorted(m.facility.npi for m in memberships.select_related("facility"))
    if not ended:
        raise PermissionDenied("This user has no access to your facilities.")
    memberships.update(is_active=False)
    still_active = FacilityMembership.objects.filter(user=user, is_active=True).exists()
    if not still_active and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    record_event(
        actor=admin,
        action="user.deactivated" if not still_active else "user.access_removed",
        target=user,
        data={"facilities": ended},
    )
    return user
