"""Users log in with their e-mail address; every user has exactly one role."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from portal.registry.models import OrganisationKind


class Role(models.TextChoices):
    FACILITY_STAFF = "facility_staff", "Facility staff"
    FACILITY_ADMIN = "facility_admin", "Facility administrator"
    LTSS_LIAISON = "ltss_liaison", "LTSS liaison"
    FINANCE_ANALYST = "finance_analyst", "Finance analyst"
    FINANCE_APPROVER = "finance_approver", "Finance approver"
    PROGRAM_ADMIN = "program_admin", "Program administrator"
    ECM_PROVIDER_STAFF = "ecm_provider_staff", "ECM provider staff"
    ECM_PROVIDER_ADMIN = "ecm_provider_admin", "ECM provider administrator"
    ECM_PROGRAM_MANAGER = "ecm_program_manager", "ECM program manager"


# Provider roles, per kind of organisation: a provider user belongs to organisations of their
# role's kind only (registry.selectors.visible_organisations). "Facility" roles are SNF roles.
FACILITY_ROLES = frozenset({Role.FACILITY_STAFF, Role.FACILITY_ADMIN})
ECM_PROVIDER_ROLES = frozenset({Role.ECM_PROVIDER_STAFF, Role.ECM_PROVIDER_ADMIN})
PROVIDER_ROLES = FACILITY_ROLES | ECM_PROVIDER_ROLES
PROVIDER_ADMIN_ROLES = frozenset({Role.FACILITY_ADMIN, Role.ECM_PROVIDER_ADMIN})
# the kind of organisation each provider role belongs to, and the roles of each kind
PROVIDER_ROLE_KINDS: dict[str, str] = {
    **dict.fromkeys(FACILITY_ROLES, OrganisationKind.SNF),
    **dict.fromkeys(ECM_PROVIDER_ROLES, OrganisationKind.ECM_PROVIDER),
}
ROLES_OF_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.SNF: frozenset(FACILITY_ROLES),
    OrganisationKind.ECM_PROVIDER: frozenset(ECM_PROVIDER_ROLES),
}
# The plan's staff of the SNF programs (WQIP, QAF) and the plan-wide finance roles
PLAN_ROLES = frozenset(
    {Role.LTSS_LIAISON, Role.FINANCE_ANALYST, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN}
)
# Every member of the plan's staff: MFA, staff navigation
STAFF_ROLES = PLAN_ROLES | {Role.ECM_PROGRAM_MANAGER}
FINANCE_ROLES = frozenset({Role.FINANCE_ANALYST, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.PROGRAM_ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.FACILITY_STAFF)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # AbstractUser's manager creates users by username; ours by e-mail (create_user(email, ...)),
    # which the stubs' ``UserManager[Self]`` for AbstractUser does not allow
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_facility_user(self) -> bool:
        return self.role in FACILITY_ROLES

    @property
    def is_provider_user(self) -> bool:
        """A user of a provider organisation of any kind (SNF or ECM provider)."""
        return self.role in PROVIDER_ROLES

    @property
    def is_ecm_provider_user(self) -> bool:
        return self.role in ECM_PROVIDER_ROLES

    @property
    def is_plan_staff(self) -> bool:
        """Staff of the plan's SNF programs and finance (not the ECM program manager)."""
        return self.role in PLAN_ROLES

    @property
    def requires_mfa(self) -> bool:
        """The plan's staff must use TOTP; provider users may."""
        return self.role in STAFF_ROLES or self.is_superuser


class OrganisationMembership(models.Model):
    """A provider user belongs to one or more organisations (a SNF user to facilities, an ECM
    provider user to ECM providers)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class LiaisonAssignment(models.Model):
    """The facility's primary LTSS liaison: new cases go to them."""

    facility = models.OneToOneField(
        "portal.Facility", on_delete=models.CASCADE, related_name="liaison_assignment"
    )
    liaison = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
        limit_choices_to={"role": Role.LTSS_LIAISON},
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.liaison} for {self.facility}"
