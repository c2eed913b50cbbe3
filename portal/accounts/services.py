"""Writes of accounts: provider administrators (of SNFs or ECM providers) invite and deactivate
their organisations' users."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from portal.accounts.selectors import administered_facilities, manageable_roles
from portal.audit.services import (
    record_event,
)
from portal.home import bump_home_version
from portal.models import (
    Organisation,
    OrganisationMembership,
    User,
)

# --- facility users, managed by facility administrators --------------------------------------


def _administered_facility_ids(admin: User) -> set[int]:
    """The ids of the organisations (of the admin's kind) a provider administrator manages."""
    if not admin.is_active:
        return set()
    return set(administered_facilities(user=admin).values_list("pk", flat=True))


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
    facilities: list[Organisation],
    base_url: str,
) -> User:
    """Create (or re-activate) a facility user of the admin's facilities and e-mail them a
    link to set their password. Plan staff and users of other facilities are never touched."""
    allowed = _administered_facility_ids(admin)
    if not allowed:
        raise PermissionDenied("Only facility administrators invite users.")
    roles = manageable_roles(admin=admin)
    if role not in roles:
        raise ValidationError(
            "An administrator can invite staff or administrators of their own organisations."
        )
    if not facilities or any(f.pk not in allowed for f in facilities):
        raise PermissionDenied("You can only give access to your own facilities.")
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name, role=role)
    elif user.role not in roles:
        raise ValidationError("This e-mail address belongs to another kind of account.")
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
        membership, _ = OrganisationMembership.objects.get_or_create(
            user=user, organisation=facility
        )
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
    if not allowed or user.role not in manageable_roles(admin=admin):
        raise PermissionDenied("Only facility administrators deactivate facility users.")
    if user.pk == admin.pk:
        raise ValidationError("You cannot deactivate your own account.")
    memberships = OrganisationMembership.objects.select_for_update().filter(
        user=user, organisation_id__in=allowed, is_active=True
    )
    ended = sorted(m.organisation.npi for m in memberships.select_related("organisation"))
    if not ended:
        raise PermissionDenied("This user has no access to your facilities.")
    memberships.update(is_active=False)
    # update() sends no signal: the user's cached pages (portal.pagecache) go now, and again
    # after the commit (a page computed meanwhile saw the access still there)
    bump_home_version()
    transaction.on_commit(bump_home_version)
    still_active = OrganisationMembership.objects.filter(user=user, is_active=True).exists()
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
