"""Opt-in rules: eligibility, window, roles, transitions with history, amendments."""

from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from portal.files.csvio import CsvImportError
from portal.models import (
    AuditEvent,
    DataRevision,
    FacilityType,
    Notice,
    Role,
)
from portal.notifications.services import sweep_due_notices
from programs.wqip.models import (
    OptIn,
    OptInTransition,
    OptInVersion,
)
from programs.wqip.selectors.opt_in import opted_in_facility_ids
from programs.wqip.services import opt_in as services
from programs.wqip.services import opt_in_review
from programs.wqip.services.opt_in_import import import_opt_ins
from programs.wqip.texts import ATTESTATION_VERSION
from tests.factories import FacilityFactory, UserFactory
from tests.programs.wqip.opt_in_helpers import (
    PAYEE,
    close_window,
    complete_draft,
    facility_user,
    open_window,
    program_year,
    submitted_opt_in,
)

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def liaison():
    return UserFactory.create(role=Role.LTSS_LIAISON)


def _draft(facility=None):
    facility = facility or FacilityFactory.create()
    py = open_window(program_year())
    admin = facility_user(facility)
    opt_in = services.start_opt_in(facility=facility, program_year=py, actor=admin)
    return opt_in, admin


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2025, 8, 1, 23, 59, 59, tzinfo=PACIFIC), True),
        (datetime.datetime(2025, 8, 2, 0, 0, 0, tzinfo=PACIFIC), False),
        (datetime.datetime(2025, 6, 2, 0, 0, 0, tzinfo=PACIFIC), True),
        (datetime.datetime(2025, 6, 1, 23, 59, 59, tzinfo=PACIFIC), False),
        # 06:30 UTC on 2 Aug is still 1 Aug in California
        (datetime.datetime(2025, 8, 2, 6, 30, tzinfo=datetime.UTC), True),
    ],
)
def test_given_2025_window_when_checked_at_moment_then_open_only_inside_pacific_dates(
    moment, expected
):
    # given / when
    is_open = services.window_open_at(
        opens_on=datetime.date(2025, 6, 2), closes_on=datetime.date(2025, 8, 1), at=moment
    )
    # then
    assert is_open is expected


def test_given_ineligible_facility_when_starting_opt_in_then_refused():
    # given
    facility = FacilityFactory.create(facility_type=FacilityType.ICF_DD)
    py = open_window(program_year())
    admin = facility_user(facility)
    # when / then
    with pytest.raises(services.OptInError, match="not WQIP-eligible"):
        services.start_opt_in(facility=facility, program_year=py, actor=admin)
    assert not OptIn.objects.filter(facility=facility).exists()


def test_given_complete_draft_when_window_closed_then_submission_refused():
    # given
    opt_in, admin = _draft()
    complete_draft(opt_in, admin)
    close_window(opt_in.program_year)
    # when / then
    with pytest.raises(services.OptInError, match="window is not open"):
        opt_in_review.submit_opt_in(
            opt_in=opt_in, actor=admin, typed_name="Ana Reyes", attestation_accepted=True
        )
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.DRAFT
    assert not OptInTransition.objects.filter(opt_in=opt_in, to_status="submitted").exists()


def test_given_closed_window_and_liaison_extension_when_submitting_then_accepted(liaison):
    # given
    opt_in, admin = _draft()
    complete_draft(opt_in, admin)
    py = close_window(opt_in.program_year)
    assert py.opt_in_closes_on is not None
    opt_in_review.grant_opt_in_extension(
        facility=opt_in.facility,
        program_year=py,
        closes_on=py.opt_in_closes_on + datetime.timedelta(days=14),
        reason="Administrator on leave",
        actor=liaison,
    )
    # when
    opt_in_review.submit_opt_in(
        opt_in=opt_in, actor=admin, typed_name="Ana Reyes", attestation_accepted=True
    )
    # then
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.SUBMITTED


def test_given_closed_window_when_program_admin_overrides_then_submission_accepted():
    # given
    opt_in, admin = _draft()
    complete_draft(opt_in, admin)
    close_window(opt_in.program_year)
    program_admin = UserFactory.create(role=Role.PROGRAM_ADMIN)
    opt_in_review.allow_late_submission(
        opt_in=opt_in, reason="Paper form lost", actor=program_admin
    )
    # when
    opt_in_review.submit_opt_in(
        opt_in=opt_in, actor=admin, typed_name="Ana Reyes", attestation_accepted=True
    )
    # then
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.SUBMITTED


def test_given_liaison_when_overriding_late_submission_then_permission_denied(liaison):
    # given
    opt_in, _ = _draft()
    # when / then
    with pytest.raises(PermissionDenied):
        opt_in_review.allow_late_submission(opt_in=opt_in, reason="please", actor=liaison)


def test_given_closed_window_when_editing_draft_then_locked():
    # given
    opt_in, admin = _draft()
    close_window(opt_in.program_year)
    # when / then
    with pytest.raises(services.OptInError, match="drafts are locked"):
        services.save_opt_in_section(opt_in=opt_in, actor=admin, data=PAYEE)


def test_given_facility_staff_when_submitting_then_only_administrator_may():
    # given
    opt_in, admin = _draft()
    complete_draft(opt_in, admin)
    staff = facility_user(opt_in.facility, role=Role.FACILITY_STAFF)
    # when / then
    with pytest.raises(PermissionDenied, match="facility administrator"):
        opt_in_review.submit_opt_in(
            opt_in=opt_in, actor=staff, typed_name="Staff", attestation_accepted=True
        )


def test_given_incomplete_draft_when_submitting_then_missing_items_named():
    # given
    opt_in, admin = _draft()
    # when / then
    with pytest.raises(services.OptInError, match="W-9"):
        opt_in_review.submit_opt_in(
            opt_in=opt_in, actor=admin, typed_name="Ana Reyes", attestation_accepted=True
        )


def test_given_submitted_opt_in_then_attestation_recorded_with_text_version():
    # given / when
    opt_in, admin = submitted_opt_in()
    # then
    version = services.working_version(opt_in)
    assert version is not None
    assert version.attestation_typed_name == "Ana Reyes"
    assert version.attestation_accepted_by == admin
    assert version.attestation_text_version == ATTESTATION_VERSION
    assert version.attestation_accepted_at is not None


def test_given_opt_in_when_walked_through_full_flow_then_history_audit_and_revision(
    liaison, django_capture_on_commit_callbacks
):
    # given
    opt_in, admin = submitted_opt_in()
    sweep_due_notices()  # no reviewer yet: the administrator's confirmation only
    revisions_before = DataRevision.objects.filter(kind="opt_ins", program_year=2026).count()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
        opt_in_review.return_opt_in(
            opt_in=opt_in, reviewer=liaison, comments="TIN does not match W-9"
        )
    services.save_opt_in_section(opt_in=opt_in, actor=admin, data={"payee_tin": "987654321"})
    opt_in_review.submit_opt_in(
        opt_in=opt_in, actor=admin, typed_name="Ana", attestation_accepted=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
        opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)
    # then
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.APPROVED
    assert list(opt_in.transitions.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "returned"),
        ("returned", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "approved"),
    ]
    returned = opt_in.transitions.get(to_status="returned")
    assert (returned.actor, returned.reason) == (liaison, "TIN does not match W-9")
    assert AuditEvent.objects.filter(action="opt_in.approved", actor=liaison).count() == 1
    assert (
        DataRevision.objects.filter(kind="opt_ins", program_year=2026).count()
        == revisions_before + 1
    )
    assert opt_in.facility_id in opted_in_facility_ids(year=2026)
    assert opt_in.assigned_to == liaison
    # and the engine's sweeper sends each transition's notice once: the administrator hears
    # of both submissions, the return and the approval; the (now assigned) liaison of the
    # resubmission
    sweep_due_notices()
    sweep_due_notices()
    assert sorted(Notice.objects.filter(user=admin).values_list("kind", flat=True)) == [
        "opt_in_approved",
        "opt_in_returned",
        "opt_in_submitted",
        "opt_in_submitted",
    ]
    assert list(Notice.objects.filter(user=liaison).values_list("kind", flat=True)) == [
        "opt_in_submitted"
    ]
    subjects = [m.subject for m in mail.outbox]
    assert any("returned for correction" in s for s in subjects)
    assert any(s.endswith("approved") for s in subjects)
    assert {tuple(m.to) for m in mail.outbox} == {(admin.email,), (liaison.email,)}


def test_given_submitted_opt_in_when_approving_without_review_then_invalid_transition(liaison):
    # given
    opt_in, _ = submitted_opt_in()
    # when / then
    with pytest.raises(services.InvalidTransition):
        opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)


def test_given_under_review_when_rejecting_without_reason_then_refused(liaison):
    # given
    opt_in, _ = submitted_opt_in()
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    # when / then
    with pytest.raises(services.OptInError, match="reason"):
        opt_in_review.reject_opt_in(opt_in=opt_in, reviewer=liaison, reason="  ")
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.UNDER_REVIEW


def test_given_facility_admin_when_approving_then_permission_denied():
    # given
    opt_in, admin = submitted_opt_in()
    # when / then
    with pytest.raises(PermissionDenied):
        opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=admin)


def _approved(liaison):
    opt_in, admin = submitted_opt_in()
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)
    opt_in.refresh_from_db()
    return opt_in, admin


def test_given_approved_opt_in_when_payee_amended_then_old_version_stays_in_force_until_approved(
    liaison,
):
    # given
    opt_in, admin = _approved(liaison)
    # when
    amendment = opt_in_review.start_opt_in_amendment(opt_in=opt_in, actor=admin, reason="New payee")
    services.save_opt_in_section(
        opt_in=opt_in, actor=admin, data={"payee_legal_name": "Sunrise Holdings LLC"}
    )
    opt_in_review.submit_opt_in(
        opt_in=opt_in, actor=admin, typed_name="Ana", attestation_accepted=True
    )
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    # then: the approved version is still in force and the opt-in still approved
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.APPROVED
    in_force = services.version_in_force(opt_in)
    assert in_force is not None
    assert in_force.payee_legal_name == "Sunrise Care LLC"
    assert amendment.documents.count() == 1  # the W-9 is carried over
    # when approved
    opt_in_review.approve_opt_in(opt_in=opt_in, reviewer=liaison)
    # then
    in_force = services.version_in_force(opt_in)
    assert in_force is not None
    assert (in_force.number, in_force.payee_legal_name) == (2, "Sunrise Holdings LLC")
    assert opt_in.versions.get(number=1).status == OptInVersion.Status.SUPERSEDED


def test_given_approved_opt_in_when_contacts_changed_then_at_once_without_review(liaison):
    # given
    opt_in, admin = _approved(liaison)
    # when
    services.replace_report_contacts(
        opt_in=opt_in, actor=admin, contacts=[{"name": "Di Wu", "email": "di@example.test"}]
    )
    # then
    assert list(opt_in.report_contacts.values_list("email", flat=True)) == ["di@example.test"]
    assert opt_in.versions.count() == 1
    assert AuditEvent.objects.filter(action="opt_in.contacts_changed").count() == 2


def test_given_approved_opt_in_when_amendment_rejected_then_opt_in_stays_approved(liaison):
    # given
    opt_in, admin = _approved(liaison)
    opt_in_review.start_opt_in_amendment(opt_in=opt_in, actor=admin, reason="New signer")
    opt_in_review.submit_opt_in(
        opt_in=opt_in, actor=admin, typed_name="Ana", attestation_accepted=True
    )
    opt_in_review.start_opt_in_review(opt_in=opt_in, reviewer=liaison)
    # when
    opt_in_review.reject_opt_in(opt_in=opt_in, reviewer=liaison, reason="Signer not authorised")
    # then
    opt_in.refresh_from_db()
    assert opt_in.status == OptIn.Status.APPROVED
    assert opt_in.facility_id in opted_in_facility_ids(year=2026)


def test_given_opt_ins_file_when_imported_then_records_created_with_history(tmp_path: Path):
    # given
    facility = FacilityFactory.create()
    path = tmp_path / "opt_ins.csv"
    path.write_text(f"facility_npi,program_year,status\n{facility.npi},2025,APPROVED\n")
    # when
    summary = import_opt_ins(path=path)
    # then
    assert summary.created == 1
    opt_in = OptIn.objects.get(facility=facility, program_year__year=2025)
    assert (opt_in.status, opt_in.source) == (OptIn.Status.APPROVED, "import")
    assert opt_in.versions.count() == 0
    assert list(opt_in.transitions.values_list("to_status", flat=True)) == ["approved"]
    assert facility.pk in opted_in_facility_ids(year=2025)


@pytest.mark.parametrize("year", ["²", "9" * 5000, "20x5"])
def test_given_program_year_that_is_no_number_when_opt_ins_imported_then_row_error_no_records(
    tmp_path: Path, year
):
    # given ("²" passes str.isdigit() but not int(); int() refuses 5,000 digits)
    facility = FacilityFactory.create()
    path = tmp_path / "opt_ins.csv"
    path.write_text(f"facility_npi,program_year,status\n{facility.npi},{year},APPROVED\n")
    # when
    with pytest.raises(CsvImportError) as excinfo:
        import_opt_ins(path=path)
    # then
    assert [(e.line, e.column) for e in excinfo.value.errors] == [(2, "program_year")]
    assert not OptIn.objects.exists()


def test_given_facility_with_primary_liaison_when_submitted_then_assigned_and_admins_told(
    liaison, django_capture_on_commit_callbacks
):
    # given
    from portal.models import LiaisonAssignment

    facility = FacilityFactory.create()
    LiaisonAssignment.objects.create(facility=facility, liaison=liaison)
    facility_user(facility, role=Role.FACILITY_STAFF)  # staff are not e-mailed
    # when
    with django_capture_on_commit_callbacks(execute=True):
        opt_in, admin = submitted_opt_in(facility)
    sweep_due_notices()
    # then: the primary liaison (now the assignee) and, as confirmation, the administrator
    assert opt_in.assigned_to == liaison
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == sorted(
        [
            (f"PY4 opt-in of {opt_in.facility.name} submitted", (admin.email,)),
            (f"PY4 opt-in of {opt_in.facility.name} submitted", (liaison.email,)),
        ]
    )
    for message in mail.outbox:  # a link, never form data
        assert f"/opt-ins/{opt_in.pk}/" in message.body
        assert "Payee" not in message.body
        assert PAYEE["payee_tin"] not in message.body


def test_given_facility_admin_when_granting_extension_then_permission_denied():
    # given
    opt_in, admin = _draft()
    # when / then
    with pytest.raises(PermissionDenied):
        opt_in_review.grant_opt_in_extension(
            facility=opt_in.facility,
            program_year=opt_in.program_year,
            closes_on=datetime.date(2026, 12, 31),
            reason="please",
            actor=admin,
        )


def test_given_user_of_other_facility_when_changing_contacts_then_permission_denied():
    # given
    opt_in, _ = _draft()
    outsider = facility_user(FacilityFactory.create())
    # when / then
    with pytest.raises(PermissionDenied):
        services.replace_report_contacts(
            opt_in=opt_in, actor=outsider, contacts=[{"name": "X", "email": "x@example.test"}]
        )
    assert not opt_in.report_contacts.exists()


def test_given_existing_opt_in_when_started_again_then_same_record_returned():
    # given
    opt_in, admin = _draft()
    # when
    again = services.start_opt_in(
        facility=opt_in.facility, program_year=opt_in.program_year, actor=admin
    )
    # then
    assert again.pk == opt_in.pk
    assert OptIn.objects.filter(facility=opt_in.facility).count() == 1
