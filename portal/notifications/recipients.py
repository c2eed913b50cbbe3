"""Who receives a notice. A resolver takes the ScheduledNotice and returns users; the engine
then drops anyone who may not see the notice's facility (see ``allowed_recipients``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

from portal.accounts.models import FACILITY_ROLES
from portal.models import Role, ScheduledNotice, User

Resolver = Callable[[ScheduledNotice], Iterable[User]]


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def facility_administrators(notice: ScheduledNotice) -> QuerySet[User]:
    if notice.facility_id is None:
        return User.objects.none()
    return _active().filter(
        role=Role.FACILITY_ADMIN,
        memberships__organisation_id=notice.facility_id,
        memberships__is_active=True,
    )


def _active_members(facility_id: int) -> QuerySet[User]:
    return _active().filter(
        role__in=FACILITY_ROLES,
        memberships__organisation_id=facility_id,
        memberships__is_active=True,
    )


def _program_year_of(notice: ScheduledNotice) -> int | None:
    """The program year a facility notice is about: ``data["program_year"]`` (a year), else
    the subject's ``program_year`` (a year or a ProgramYear)."""
    year = notice.data.get("program_year")
    if not isinstance(year, int):
        year = getattr(notice.subject, "program_year", None)
        year = getattr(year, "year", year)
    return year if isinstance(year, int) else None


# program label -> (facility id, program year) -> the e-mail addresses of the facility's report
# contacts for that program and year, or [] when it names none (programs register theirs)
ReportContactsOf = Callable[[int, int], list[str]]
REPORT_CONTACTS: dict[str, ReportContactsOf] = {}


def register_report_contacts(program: str, contacts_of: ReportContactsOf) -> None:
    REPORT_CONTACTS[program] = contacts_of


def report_contacts(notice: ScheduledNotice) -> QuerySet[User]:
    """The people who see the facility's reports and payments: the portal users (active
    members of the facility) among the report contacts the program keeps for the facility and
    year (WQIP: those of its approved web opt-in); every active member of the facility when
    the program names none of them, or none at all."""
    if notice.facility_id is None:
        return User.objects.none()
    members = _active_members(notice.facility_id)
    year = _program_year_of(notice)
    contacts_of = REPORT_CONTACTS.get(str(notice.data.get("program_key", "")))
    if year is None or contacts_of is None:
        return members
    emails = contacts_of(notice.facility_id, year)
    if not emails:
        return members
    wanted = Q()
    for email in emails:
        wanted |= Q(email__iexact=email)
    contacts = members.filter(wanted).distinct()
    return contacts if contacts.exists() else members


def finance_approvers(notice: ScheduledNotice) -> QuerySet[User]:
    users = _active().filter(role=Role.FINANCE_APPROVER)
    # a run is approved by someone other than its starter, a state transfer by someone other
    # than the person who asked for it
    started_by_id = getattr(notice.subject, "started_by_id", None)
    if started_by_id is None:
        started_by_id = getattr(notice.subject, "requested_by_id", None)
    if started_by_id is not None:
        users = users.exclude(pk=started_by_id)
    return users


def program_admins(notice: ScheduledNotice) -> QuerySet[User]:
    return _active().filter(Q(role=Role.PROGRAM_ADMIN) | Q(is_superuser=True))


def case_assignee(notice: ScheduledNotice) -> list[User]:
    """The subject's ``assignee`` (or ``assigned_to``) when it has one, else the facility's
    primary liaison."""
    assignee = getattr(notice.subject, "assignee", None)
    if not isinstance(assignee, User):
        assignee = getattr(notice.subject, "assigned_to", None)
    if isinstance(assignee, User):
        return [assignee]
    if notice.facility_id is None:
        return []
    return list(_active().filter(liaison_assignments__facility_id=notice.facility_id))


def assignee_and_facility_administrators(notice: ScheduledNotice) -> list[User]:
    """The reviewer (assignee, else primary liaison) and, as confirmation, the facility's
    administrators (e.g. an opt-in submitted)."""
    return case_assignee(notice) + list(facility_administrators(notice))


def case_assignee_escalating(notice: ScheduledNotice) -> list[User]:
    """Assignee; also the program admins when the row says so (decision due day 40)."""
    users = case_assignee(notice)
    if notice.data.get("notify_program_admin"):
        users += list(program_admins(notice))
    return users


def case_assignee_and_lead(notice: ScheduledNotice) -> list[User]:
    """Assignee and their lead (the program admins, who lead the liaison team)."""
    return case_assignee(notice) + list(program_admins(notice))


def filer_and_facility_administrators(notice: ScheduledNotice) -> list[User]:
    users = list(facility_administrators(notice))
    filer = getattr(notice.subject, "filed_by", None)
    if isinstance(filer, User):
        users.append(filer)
    return users


def active_member_ids(*, facility_id: int) -> set[int]:
    return set(
        User.objects.filter(
            memberships__organisation_id=facility_id, memberships__is_active=True
        ).values_list("pk", flat=True)
    )


def allowed_recipients(
    users: Iterable[User], *, facility_id: int | None, facility_members: set[int] | None = None
) -> list[User]:
    """Active users, each once; a facility user only for a notice about a facility they are an
    active member of. Plan staff see every facility. ``facility_members`` (the facility's
    active member ids) saves a query when the caller already has it."""
    unique = {user.pk: user for user in users if user.is_active}
    has_facility_users = any(user.role in FACILITY_ROLES for user in unique.values())
    members: set[int] = set()
    if has_facility_users and facility_id is not None:
        members = (
            facility_members
            if facility_members is not None
            else active_member_ids(facility_id=facility_id)
        )
    return [
        user
        for pk, user in sorted(unique.items())
        if user.role not in FACILITY_ROLES or pk in members
    ]
