"""Dashboard, facility pages, program years and facility user management."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.accounts.services import (
    deactivate_facility_user,
    invite_facility_user,
)
from portal.models import (
    AuditEvent,
    FacilityType,
    OrganisationMembership,
    Role,
)
from programs.wqip.models import (
    OptIn,
    ProgramYear,
)
from programs.wqip.services.program_years import update_program_year_window
from tests.factories import FacilityFactory, OptInFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_given_facility_user_when_asking_for_another_facility_then_404(client_as, world):
    # given
    other = world.facility_b
    # when
    response = client_as("facility_staff").get(reverse("portal:facility_detail", args=[other.pk]))
    # then
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_given_facility_user_without_facilities_when_home_then_honest_empty_state(client):
    # given
    client.force_login(UserFactory.create(role=Role.FACILITY_STAFF))
    # when
    response = client.get(reverse("portal:home"))
    # then
    assert b"You are not linked to a facility yet" in response.content


def _panel(response, key):  # type: ignore[no-untyped-def]
    return next(panel for panel in response.context["panels"] if panel.key == key)


def test_given_facility_user_when_home_then_only_own_facilities_with_opt_in(client_as, world):
    # given
    OptInFactory.create(
        facility=world.facility_a,
        program_year=ProgramYear.objects.get(year=2026),
        status=OptIn.Status.SUBMITTED,
    )
    # when
    response = client_as("facility_staff").get(reverse("portal:home"))
    # then
    rows = _panel(response, "wqip-facilities").context["rows"]
    assert [r["facility"] for r in rows] == [world.facility_a]
    assert rows[0]["opt_in"].status == OptIn.Status.SUBMITTED
    assert b"Submitted" in response.content


def test_given_program_admin_when_home_then_counts_for_current_program_year(client_as, world):
    # given
    FacilityFactory.create(facility_type=FacilityType.ICF_DD)
    OptInFactory.create(facility=world.facility_a, program_year=ProgramYear.objects.get(year=2026))
    # when
    response = client_as("program_admin").get(reverse("portal:home"))
    # then
    overview = _panel(response, "wqip-overview").context
    assert overview["facility_count"] == 3
    assert overview["eligible_count"] == 2
    assert overview["eligible_without_opt_in"] == 1
    approved = next(r for r in overview["opt_in_statuses"] if r["status"] == "approved")
    assert approved["count"] == 1
    assert b"Eligible facilities without an opt-in for PY4" in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("eligible=no", ["Cedar ICF"]),
        ("facility_type=SUBACUTE_ADULT_FREESTANDING", ["Birchwood Subacute"]),
        ("county=Alameda", ["Alder Creek Care Center"]),
        ("q=birch", ["Birchwood Subacute"]),
        ("sort=-name", ["Cedar ICF", "Birchwood Subacute", "Alder Creek Care Center"]),
    ],
)
def test_given_filters_when_facility_list_then_matching_facilities(
    client_as, world, query, expected
):
    # given
    FacilityFactory.create(name="Cedar ICF", facility_type=FacilityType.ICF_DD, county="Kern")
    # when
    response = client_as("ltss_liaison").get(reverse("portal:facility_list") + "?" + query)
    # then
    assert [f.name for f in response.context["page"].object_list] == expected


def test_given_many_facilities_when_second_page_then_rest_listed(client_as, world):
    # given
    for _ in range(30):
        FacilityFactory.create()
    # when
    response = client_as("program_admin").get(reverse("portal:facility_list") + "?page=2")
    # then
    assert len(response.context["page"].object_list) == 32 - 25


def test_given_ineligible_facility_when_detail_then_reason_shown(client_as, world):
    # given
    facility = FacilityFactory.create(licensed_beds=40, stp_beds=40)
    # when
    response = client_as("ltss_liaison").get(reverse("portal:facility_detail", args=[facility.pk]))
    # then
    assert b"All licensed beds are Special Treatment Program beds." in response.content


def test_given_program_admin_when_window_saved_then_changed_and_audited(client_as, world):
    # given
    py = ProgramYear.objects.get(year=2026)
    # when
    response = client_as("program_admin").post(
        reverse("wqip:program_year_edit", args=[py.pk]),
        {"opt_in_opens_on": "2026-06-08", "opt_in_closes_on": "2026-08-07"},
    )
    # then
    assert response.status_code == 302
    py.refresh_from_db()
    assert py.opt_in_closes_on == datetime.date(2026, 8, 7)
    event = AuditEvent.objects.get(action="program_year.window_changed")
    assert event.actor == world.users["program_admin"]


def test_given_window_closing_before_opening_when_saved_then_error_summary(client_as, world):
    # given
    py = ProgramYear.objects.get(year=2026)
    # when
    response = client_as("program_admin").post(
        reverse("wqip:program_year_edit", args=[py.pk]),
        {"opt_in_opens_on": "2026-08-08", "opt_in_closes_on": "2026-06-01"},
    )
    # then
    assert response.status_code == 200
    assert b"data-error-summary" in response.content
    assert b"The window cannot close before it opens." in response.content


def test_given_finance_user_when_service_changes_window_then_denied(world):
    # given
    py = ProgramYear.objects.get(year=2026)
    # when / then
    with pytest.raises(PermissionDenied):
        update_program_year_window(
            program_year=py,
            opt_in_opens_on=None,
            opt_in_closes_on=None,
            actor=world.users["finance_approver"],
        )


def test_given_facility_admin_when_inviting_then_user_member_and_set_password_mail(
    world, django_capture_on_commit_callbacks
):
    # given
    admin = world.users["facility_admin"]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        user = invite_facility_user(
            admin=admin,
            email="New.Person@A.example.test",
            full_name="New Person",
            role=Role.FACILITY_STAFF,
            facilities=[world.facility_a],
            base_url="https://portal.example/",
        )
    # then
    assert user.email == "new.person@a.example.test"
    assert not user.has_usable_password()
    assert OrganisationMembership.objects.filter(user=user, organisation=world.facility_a).exists()
    assert "https://portal.example/accounts/password/reset/key/" in mail.outbox[0].body
    assert AuditEvent.objects.get(action="user.invited").actor == admin


def test_given_facility_admin_when_inviting_to_other_facility_then_denied(world):
    # when / then
    with pytest.raises(PermissionDenied):
        invite_facility_user(
            admin=world.users["facility_admin"],
            email="x@b.example.test",
            full_name="X",
            role=Role.FACILITY_STAFF,
            facilities=[world.facility_b],
            base_url="https://portal.example/",
        )


def test_given_facility_admin_when_invite_form_then_only_own_facilities_offered(client_as, world):
    # when
    response = client_as("facility_admin").get(reverse("portal:user_invite"))
    # then
    offered = response.context["form"].fields["facilities"].queryset
    assert list(offered.values_list("pk", flat=True)) == [world.facility_a.pk]


def test_given_staff_of_one_facility_when_deactivated_then_cannot_sign_in(world):
    # given
    staff = world.users["facility_staff"]
    # when
    deactivate_facility_user(admin=world.users["facility_admin"], user=staff)
    # then
    staff.refresh_from_db()
    assert not staff.is_active
    assert AuditEvent.objects.get(action="user.deactivated").target_id == str(staff.pk)


def test_given_staff_of_two_facilities_when_one_admin_deactivates_then_other_access_stays(world):
    # given
    staff = world.users["facility_staff"]
    OrganisationMembership.objects.create(user=staff, organisation=world.facility_b)
    # when
    deactivate_facility_user(admin=world.users["facility_admin"], user=staff)
    # then
    staff.refresh_from_db()
    assert staff.is_active
    assert list(
        staff.memberships.filter(is_active=True).values_list("organisation", flat=True)
    ) == [world.facility_b.pk]


def test_given_admin_of_other_facility_when_deactivate_page_then_404(client, world):
    # given
    admin_b = UserFactory.create(role=Role.FACILITY_ADMIN, facilities=[world.facility_b])
    client.force_login(admin_b)
    # when
    response = client.get(
        reverse("portal:user_deactivate", args=[world.users["facility_staff"].pk])
    )
    # then
    assert response.status_code == 404


def test_given_facility_change_when_admin_views_auditlog_then_entry_listed(client_as, world):
    # given
    facility = world.facility_a
    facility.phone = "555-0100"
    facility.save()
    # when
    response = client_as("program_admin").get(
        reverse("admin:auditlog_logentry_changelist") + f"?q={facility.name[:10]}"
    )
    # then
    assert response.status_code == 200
    assert "555-0100" in response.content.decode() or response.context["cl"].result_count >= 1


def test_given_every_model_admin_when_searched_then_changelist_works(client_as, world):
    # given
    from django.contrib import admin

    client = client_as("program_admin")
    failures = {}
    # when
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        query = "?q=alder" if model_admin.search_fields else ""
        status = client.get(url + query).status_code
        if status != 200:
            failures[meta.label] = status
    # then
    assert not failures


def test_given_server_error_when_handler_renders_then_layout_500_page(rf):
    # given
    from django.contrib.auth.models import AnonymousUser

    from portal.views import server_error

    request = rf.get("/")
    request.user = AnonymousUser()
    # when
    response = server_error(request)
    # then
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b'href="#main"' in response.content  # rendered in the layout (skip link)


def test_given_user_without_role_access_when_forbidden_then_layout_403_page(client_as, world):
    # when
    response = client_as("facility_staff").get(reverse("portal:user_list"))
    # then
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content
    assert b'<main id="main"' in response.content
