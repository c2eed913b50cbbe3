"""One user per role and two facilities: the world the permission matrix and the browser
tests run in. Plan staff get a TOTP authenticator (allauth's model), so the MFA middleware
lets them through; its secret is random per world so one-time codes never collide."""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from portal.models import Facility, FacilityType, LiaisonAssignment, Organisation, Role, User
from tests.factories import TEST_PASSWORD, EcmProviderFactory, FacilityFactory, UserFactory

ROLES = (
    "anonymous",
    "facility_staff",
    "facility_admin",
    "other_facility_staff",
    "ltss_liaison",
    "finance_analyst",
    "finance_approver",
    "program_admin",
    "ecm_provider_staff",
    "ecm_provider_admin",
    "ecm_program_manager",
)
# the first eight columns: the SNF world; the ECM columns follow (a matrix row of eight
# statuses gets the ECM columns from tests.permissions.test_matrix.ecm_columns)
SNF_ROLES = ROLES[:8]
ECM_ROLES = ROLES[8:]
PLAN_ROLE_NAMES = ("ltss_liaison", "finance_analyst", "finance_approver", "program_admin")
STAFF_ROLE_NAMES = (*PLAN_ROLE_NAMES, "ecm_program_manager")


@dataclass
class World:
    facility_a: Facility
    facility_b: Facility
    ecm_provider_a: Organisation  # of ecm_provider_staff and ecm_provider_admin
    ecm_provider_b: Organisation  # nobody's in the world
    users: dict[str, User]
    totp_secrets: dict[str, str]
    password: str = TEST_PASSWORD
    extra: dict[str, object] = field(default_factory=dict)  # other apps may cache objects here

    @property
    def facility(self) -> Facility:
        """The facility of facility_staff and facility_admin."""
        return self.facility_a

    @property
    def other_facility(self) -> Facility:
        """The facility of other_facility_staff."""
        return self.facility_b

    def user(self, role: str) -> User | None:
        return self.users.get(role)


def give_totp(user: User, secret: str | None = None) -> str:
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def build_world(prefix: str = "") -> World:
    facility_a = FacilityFactory.create(name=f"{prefix}Alder Creek Care Center", county="Alameda")
    facility_b = FacilityFactory.create(
        name=f"{prefix}Birchwood Subacute",
        county="Fresno",
        facility_type=FacilityType.SUBACUTE_ADULT_FREESTANDING,
    )
    users: dict[str, User] = {
        "facility_staff": UserFactory.create(
            email=f"{prefix}staff@a.example.test",
            full_name="Sam Staff",
            role=Role.FACILITY_STAFF,
            facilities=[facility_a],
        ),
        "facility_admin": UserFactory.create(
            email=f"{prefix}admin@a.example.test",
            full_name="Ada Admin",
            role=Role.FACILITY_ADMIN,
            facilities=[facility_a],
        ),
        "other_facility_staff": UserFactory.create(
            email=f"{prefix}staff@b.example.test",
            full_name="Otto Other",
            role=Role.FACILITY_STAFF,
            facilities=[facility_b],
        ),
    }
    ecm_provider_a = EcmProviderFactory.create(name=f"{prefix}Cedar Street Care Partners")
    ecm_provider_b = EcmProviderFactory.create(name=f"{prefix}Dogwood Community Health")
    users["ecm_provider_staff"] = UserFactory.create(
        email=f"{prefix}staff@ecm-a.example.test",
        full_name="Edie Ecm",
        role=Role.ECM_PROVIDER_STAFF,
        facilities=[ecm_provider_a],
    )
    users["ecm_provider_admin"] = UserFactory.create(
        email=f"{prefix}admin@ecm-a.example.test",
        full_name="Ezra Ecm-Admin",
        role=Role.ECM_PROVIDER_ADMIN,
        facilities=[ecm_provider_a],
    )
    secrets: dict[str, str] = {}
    for role in STAFF_ROLE_NAMES:
        user = UserFactory.create(
            email=f"{prefix}{role.replace('_', '.')}@plan.example.test",
            full_name=role.replace("_", " ").title(),
            role=role,
            is_staff=role == "program_admin",
            is_superuser=role == "program_admin",
        )
        secrets[role] = give_totp(user)
        users[role] = user
    LiaisonAssignment.objects.create(facility=facility_a, liaison=users["ltss_liaison"])
    return World(
        facility_a=facility_a,
        facility_b=facility_b,
        ecm_provider_a=ecm_provider_a,
        ecm_provider_b=ecm_provider_b,
        users=users,
        totp_secrets=secrets,
    )
