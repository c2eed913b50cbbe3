"""ECM QIP disputes through the core's dispute workflow: an ECM provider disputes published
month scores of a measurement year (or a payment amount); the plan's ECM team (ECM program
managers, program administrators) works them; provider users see only their own
organisation's disputes (another's is a 404), SNF users and the SNF liaisons never work them.

Setup: Cedar Street (ecm_provider_a, of the world's ECM provider staff and administrator) sends
January and February 2026 RTFs on time; both months are published on 11 March.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes.models import Dispute, DisputeItem, Outcome, Status
from disputes.programs import get_program
from disputes.services import case_work, determination, filing
from portal.models import Notice, Role
from portal.notifications.services import sweep_due_notices
from programs.ecm.disputes import EcmDisputes, EcmDisputeType, month_item
from programs.ecm.reminders import produce_scores
from programs.ecm.services.settings import create_year
from tests.programs.ecm.factories import make_provider_user, pacific, rtf_content, send
from tests.roles import ROLES

pytestmark = pytest.mark.django_db
YEAR = 2026


def fields(**overrides: Any) -> dict[str, Any]:
    return {
        "report_reference": "ECM QIP score, January 2026",
        "plan_action_on": timezone.localdate() - datetime.timedelta(days=10),
        "explanation": "Our January RTF listed 12 enrolled members; the score counts 10.",
        "amount_sought": Decimal("20.00"),
        "contact_name": "Casey Provider",
        "contact_email": "casey@ecm.example.test",
        **overrides,
    }


@pytest.fixture
def setup(world, monkeypatch):
    year = create_year(year=YEAR, actor=world.users["program_admin"])
    a, admin = world.ecm_provider_a, world.users["ecm_provider_admin"]
    for month in (1, 2):
        send(
            monkeypatch,
            provider=a,
            user=admin,
            year=year,
            month=month,
            kind="rtf",
            content=rtf_content(a, YEAR, month, 12),
            at=pacific(YEAR, month + 1, 8),
        )
    produce_scores(datetime.date(YEAR, 3, 11))
    return year


def ecm_dispute(world: Any, *, provider: Any = None, filer: Any = None, submit: bool = True):
    provider = provider or world.ecm_provider_a
    filer = filer or world.users["ecm_provider_admin"]
    dispute = filing.create_dispute_draft(
        facility=provider,
        program="ecm",
        program_year=YEAR,
        dispute_type=EcmDisputeType.MONTH_SCORE,
        filed_by=filer,
        items=[month_item(1)],
        **fields(),
    )
    return filing.submit_dispute(dispute=dispute, actor=filer) if submit else dispute


def test_ecm_registers_its_dispute_program_for_ecm_providers():
    program = get_program("ecm")
    assert isinstance(program, EcmDisputes)
    assert tuple(program.organisation_kinds) == ("ecm_provider",)


def test_the_provider_files_a_month_score_dispute_in_the_portal(setup, world, client_as):
    client = client_as("ecm_provider_admin")
    start = client.get(reverse("disputes:dispute_start"))
    page = start.content.decode()
    assert start.status_code == 200
    # only ECM QIP (a hidden program field), only its own organisation, ECM QIP's types
    assert world.ecm_provider_a.name in page
    assert world.ecm_provider_b.name not in page
    assert world.facility_a.name not in page
    assert "Bed-day count" not in page
    assert "Month score" in page
    response = client.post(
        reverse("disputes:dispute_start"),
        {
            "facility": world.ecm_provider_a.pk,
            "program_year": YEAR,
            "dispute_type": EcmDisputeType.MONTH_SCORE,
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert (dispute.program, dispute.facility_id) == ("ecm", world.ecm_provider_a.pk)
    edit = client.get(reverse("disputes:dispute_edit", args=[dispute.pk])).content.decode()
    # the published months are offered, with their score
    # (11 of 12 rows eligible; $10 x 11 x 1/2: the RTF share only)
    assert "January: 11 eligible members, $55.00" in edit
    assert "February: 11 eligible members, $55.00" in edit
    assert "March" not in edit
    data = fields() | {"months": [1], "submit": "1"}
    response = client.post(reverse("disputes:dispute_edit", args=[dispute.pk]), data)
    dispute.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert dispute.status == Status.ACKNOWLEDGED
    assert [(i.kind, i.month) for i in dispute.items.all()] == [(DisputeItem.Kind.MONTH, 1)]
    detail = client.get(reverse("disputes:dispute_detail", args=[dispute.pk]))
    assert detail.status_code == 200
    assert "January (whole month)" in detail.content.decode()


def test_an_unpublished_month_cannot_be_chosen(setup, world, client_as):
    dispute = ecm_dispute(world, submit=False)
    client = client_as("ecm_provider_admin")
    data = fields() | {"months": [3], "save": "1"}
    response = client.post(reverse("disputes:dispute_edit", args=[dispute.pk]), data)
    assert response.status_code == 400
    assert [i.month for i in dispute.items.all()] == [1]


def test_the_ecm_team_works_the_dispute_and_the_provider_reads_the_determination(
    setup, world, client_as
):
    dispute = ecm_dispute(world)
    manager = world.users["ecm_program_manager"]
    queue = client_as("ecm_program_manager").get(reverse("disputes:queue")).content.decode()
    assert dispute.reference in queue
    # the SNF liaisons' queue has no ECM dispute, and they cannot act on one
    liaison = client_as("ltss_liaison")
    assert dispute.reference not in liaison.get(reverse("disputes:queue")).content.decode()
    take = reverse("disputes:case_action", args=[dispute.pk, "take"])
    assert liaison.post(take).status_code == 403
    with pytest.raises(Exception, match="plan's team"):
        case_work.start_review(dispute=dispute, actor=world.users["ltss_liaison"])
    # the ECM program manager takes it, reviews and decides
    response = client_as("ecm_program_manager").post(take, follow=True)
    assert "Done." in response.content.decode(), [str(m) for m in response.context["messages"]]
    dispute.refresh_from_db()
    assert dispute.assignee == manager
    case_work.start_review(dispute=dispute, actor=manager)
    determination.determine_dispute(
        dispute=dispute,
        actor=manager,
        outcome=Outcome.OVERTURNED,
        reasoning="Two enrolled members were listed as pending by mistake.",
        amount=Decimal("20.00"),
    )
    dispute.refresh_from_db()
    assert dispute.status == Status.DETERMINED
    # the filer is told (the core's dispute_decision notice); nobody of a SNF is
    sweep_due_notices(now=timezone.now() + datetime.timedelta(minutes=1))
    told = Notice.objects.filter(kind="dispute_decision").values_list("user__email", flat=True)
    assert list(told) == [world.users["ecm_provider_admin"].email]
    provider = client_as("ecm_provider_staff")
    assert provider.get(reverse("disputes:dispute_detail", args=[dispute.pk])).status_code == 200
    letter = provider.get(reverse("disputes:letter_download", args=[dispute.pk]))
    assert (letter.status_code, letter["Content-Type"]) == (200, "application/pdf")


def test_another_ecm_providers_disputes_are_404(setup, world, client_as):
    """Acceptance point 2: an ECM provider user gets 404 on another ECM provider's disputes."""
    other_admin = make_provider_user(world.ecm_provider_b)
    theirs = ecm_dispute(world, provider=world.ecm_provider_b, filer=other_admin)
    draft = ecm_dispute(world, provider=world.ecm_provider_b, filer=other_admin, submit=False)
    urls = [
        reverse("disputes:dispute_detail", args=[theirs.pk]),
        reverse("disputes:dispute_edit", args=[draft.pk]),
        reverse("disputes:letter_download", args=[theirs.pk]),
    ]
    posts = [
        reverse("disputes:dispute_submit", args=[draft.pk]),
        reverse("disputes:add_message", args=[theirs.pk]),
        reverse("disputes:second_level", args=[theirs.pk]),
    ]
    for role in ("ecm_provider_staff", "ecm_provider_admin"):
        client = client_as(role)
        assert {u: client.get(u).status_code for u in urls} == dict.fromkeys(urls, 404)
        assert {u: client.post(u, {"body": "x"}).status_code for u in posts} == dict.fromkeys(
            posts, 404
        )
        listing = client.get(reverse("disputes:dispute_list")).content.decode()
        assert theirs.reference not in listing
        # nor may they start one for the other provider
        response = client.post(
            reverse("disputes:dispute_start"),
            {
                "facility": world.ecm_provider_b.pk,
                "program_year": YEAR,
                "dispute_type": EcmDisputeType.PAYMENT_AMOUNT,
            },
        )
        assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not theirs.notes.exists()


def test_snf_users_get_404_on_ecm_disputes_and_ecm_users_on_snf_ones(setup, world, client_as):
    ecm = ecm_dispute(world)
    url = reverse("disputes:dispute_detail", args=[ecm.pk])
    for role in ("facility_staff", "facility_admin", "other_facility_staff"):
        assert client_as(role).get(url).status_code == 404
    # an ECM provider user cannot file for a SNF (not among their organisations)
    response = client_as("ecm_provider_admin").post(
        reverse("disputes:dispute_start"),
        {
            "facility": world.facility_a.pk,
            "program_year": YEAR,
            "dispute_type": EcmDisputeType.MONTH_SCORE,
        },
    )
    assert response.status_code == 404
    assert Dispute.objects.count() == 1


def test_a_provider_staff_member_of_another_kind_cannot_file_for_an_ecm_provider(setup, world):
    snf_staff = world.users["facility_staff"]
    with pytest.raises(Exception, match="Only users of the organisation"):
        ecm_dispute(world, filer=snf_staff)
    assert snf_staff.role == Role.FACILITY_STAFF


# every role on an ECM provider's dispute pages (the matrix rows of these URL names use a SNF's
# disputes; these are the same rows with the ECM provider's): the provider's users and the
# ECM team (and the plan's staff who see every organisation) read it; only the ECM team works it
ECM_DISPUTE_ROWS = {
    "dispute_detail": {
        "anonymous": 302,
        "facility_staff": 404,
        "facility_admin": 404,
        "other_facility_staff": 404,
        "ltss_liaison": 200,
        "finance_analyst": 200,
        "finance_approver": 200,
        "program_admin": 200,
        "ecm_provider_staff": 200,
        "ecm_provider_admin": 200,
        "ecm_program_manager": 200,
    },
    "letter_download": {
        "anonymous": 302,
        "facility_staff": 404,
        "facility_admin": 404,
        "other_facility_staff": 404,
        "ltss_liaison": 200,
        "finance_analyst": 200,
        "finance_approver": 200,
        "program_admin": 200,
        "ecm_provider_staff": 200,
        "ecm_provider_admin": 200,
        "ecm_program_manager": 200,
    },
    "dispute_edit": {  # a determined dispute: the provider is sent back to it
        "anonymous": 302,
        "facility_staff": 404,
        "facility_admin": 404,
        "other_facility_staff": 404,
        "ltss_liaison": 403,
        "finance_analyst": 403,
        "finance_approver": 403,
        "program_admin": 403,
        "ecm_provider_staff": 302,
        "ecm_provider_admin": 302,
        "ecm_program_manager": 403,
    },
    "determine": {  # determined: the ECM team is sent back to the dispute
        "anonymous": 302,
        "facility_staff": 403,
        "facility_admin": 403,
        "other_facility_staff": 403,
        "ltss_liaison": 403,
        "finance_analyst": 403,
        "finance_approver": 403,
        "program_admin": 302,
        "ecm_provider_staff": 403,
        "ecm_provider_admin": 403,
        "ecm_program_manager": 302,
    },
}


def test_every_role_on_an_ecm_providers_dispute_pages(setup, world, client_as):
    dispute = ecm_dispute(world)
    manager = world.users["ecm_program_manager"]
    case_work.start_review(dispute=dispute, actor=manager)
    determination.determine_dispute(
        dispute=dispute,
        actor=manager,
        outcome=Outcome.UPHELD,
        reasoning="Counted correctly.",
        amount=Decimal("0"),
    )
    for name, row in ECM_DISPUTE_ROWS.items():
        assert set(row) == set(ROLES)
        url = reverse(f"disputes:{name}", args=[dispute.pk])
        got = {role: client_as(role).get(url).status_code for role in ROLES}
        assert got == row, name
