"""Demo data for ``manage.py start_portal`` (``make run``).

Every app may contribute: ``start_portal`` calls ``load_demo_data(stdout=...)`` on each
AppConfig that defines it, in INSTALLED_APPS order (portal first, so facilities and users
exist for the others). Loaders must be idempotent: running ``make run`` twice changes
nothing the second time. ``DEMO_USERS`` below are the logins printed at start-up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.db import transaction

from portal.audit.services import record_event
from portal.models import (
    Facility,
    LiaisonAssignment,
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    Role,
    User,
)
from portal.registry.services import import_facilities

DEMO_DATA_DIR = Path(__file__).parent / "demo_data"
DEMO_PASSWORD = "Orchard-Lantern-2026"  # noqa: S105 - published demo login, never in prod
DEMO_FACILITY_NPIS = ("1427051986", "1583306422")  # Harbor View, Oak Grove
# ECM providers: an NPI and a TIN, no beds (the ECM program adds their files and scores)
DEMO_ECM_PROVIDERS = (
    ("1520000013", "951200013", "Cedar Street Care Partners", "Los Angeles"),
    ("1520000021", "951200021", "Dogwood Community Health", "Sacramento"),
)
DEMO_ECM_NPIS = ("1520000013",)  # Cedar Street: the demo ECM provider users' organisation


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    # plan staff sign in with TOTP; the secret (160 bits, RFC 4226) is published for demos
    totp_secret: str = ""
    facility_npis: tuple[str, ...] = ()  # the NPIs of the user's organisations (any kind)

    @property
    def password(self) -> str:
        return DEMO_PASSWORD


DEMO_USERS = (
    DemoUser(
        "admin@harborview.demo", "Hana Admin", Role.FACILITY_ADMIN, facility_npis=DEMO_FACILITY_NPIS
    ),
    DemoUser(
        "staff@harborview.demo", "Sol Staff", Role.FACILITY_STAFF, facility_npis=DEMO_FACILITY_NPIS
    ),
    DemoUser(
        "liaison@plan.demo", "Lia Liaison", Role.LTSS_LIAISON, "6HITWKDUVRWJDIHZKP5H7TPEGZORAI2Q"
    ),
    DemoUser(
        "analyst@plan.demo", "Ana Analyst", Role.FINANCE_ANALYST, "SAJIJB6N7B35FCW52LX2EU5RZK5PQXV2"
    ),
    DemoUser(
        "approver@plan.demo",
        "Abe Approver",
        Role.FINANCE_APPROVER,
        "LBXVCWIS6V3EKI2EFNQFLLM2A67CSD32",
    ),
    DemoUser(
        "programadmin@plan.demo",
        "Pat Program",
        Role.PROGRAM_ADMIN,
        "3AZIYGW4AG3HBCP4UFQ23Y35M467GP4P",
    ),
    DemoUser(
        "admin@cedarstreet.demo",
        "Cora Ecm-Admin",
        Role.ECM_PROVIDER_ADMIN,
        facility_npis=DEMO_ECM_NPIS,
    ),
    DemoUser(
        "staff@cedarstreet.demo",
        "Cy Ecm-Staff",
        Role.ECM_PROVIDER_STAFF,
        facility_npis=DEMO_ECM_NPIS,
    ),
    DemoUser(
        "ecm@plan.demo",
        "Em Manager",
        Role.ECM_PROGRAM_MANAGER,
        "ENDJU7MZSUI5OFODY7DVGL4HFPIBO3SF",
    ),
)


def current_totp_code(secret: str) -> str:
    """The six digits an authenticator app shows for the secret right now."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def _ensure_user(demo: DemoUser) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt

    user = User.objects.filter(email=demo.email).first()
    created = user is None
    if user is None:
        is_program_admin = demo.role == Role.PROGRAM_ADMIN
        user = User.objects.create_user(
            email=demo.email,
            password=demo.password,
            full_name=demo.full_name,
            role=demo.role,
            is_staff=is_program_admin,
            is_superuser=is_program_admin,
        )
    if demo.totp_secret:
        current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if current is not None and decrypt(current.data["secret"]) != demo.totp_secret:
            current.delete()  # an older demo secret (80 bits, before the 160-bit ones)
            current = None
        if current is None:
            TOTP.activate(user, demo.totp_secret)
    for npi in demo.facility_npis:
        organisation = Organisation.objects.get(npi=npi)
        OrganisationMembership.objects.get_or_create(user=user, organisation=organisation)
    return created


@transaction.atomic
def load_portal_demo_data(*, stdout: TextIO | None = None) -> str:
    # imports write audit rows and input revisions, so they run only the first time
    facilities: object = "already loaded"
    if not Facility.objects.filter(npi__in=DEMO_FACILITY_NPIS).exists():
        facilities = import_facilities(path=DEMO_DATA_DIR / "facilities.csv")
    for npi, tin, name, county in DEMO_ECM_PROVIDERS:
        Organisation.objects.get_or_create(
            npi=npi,
            defaults={
                "kind": OrganisationKind.ECM_PROVIDER,
                "tin": tin,
                "name": name,
                "county": county,
            },
        )
    created = sum(_ensure_user(demo) for demo in DEMO_USERS)
    liaison = User.objects.get(email="liaison@plan.demo")
    for facility in Facility.objects.filter(npi__in=DEMO_FACILITY_NPIS):
        LiaisonAssignment.objects.get_or_create(facility=facility, defaults={"liaison": liaison})
    if created:
        record_event(actor=None, action="demo.users_created", data={"created": created})
    summary = f"portal demo data: facilities {facilities}; {created} demo users created"
    if stdout is not None:
        stdout.write(summary + "\n")
    return summary
