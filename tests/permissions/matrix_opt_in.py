"""Permission matrix rows for the opt-in pages (GET).

``world`` needs: ``facility`` and ``other_facility`` (eligible facilities; facility staff and
administrator are members of ``facility``, other-facility staff of ``other_facility``), plus
``opt_in`` (a draft web opt-in of ``facility`` for PY4/2026, with its version 1) and
``document`` (a W-9 on that draft). ``add_opt_in_world(world)`` below creates the last two.
No opt-in may exist for ``facility`` in 2025 (``opt_in_start`` shows the start page).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

ROLES = (
    "anonymous",
    "facility_staff",
    "facility_admin",
    "other_facility_staff",
    "ltss_liaison",
    "finance_analyst",
    "finance_approver",
    "program_admin",
)


def _opt_in(world: Any) -> Any:
    if "opt_in" not in world.extra:
        add_opt_in_world(world)
    return world.extra["opt_in"]


def _document(world: Any) -> Any:
    _opt_in(world)
    return world.extra["document"]


def _url(name: str, *args: Any) -> str:
    return reverse(f"wqip:{name}", args=args)


CASES = {
    "wqip:opt_in_list": (
        lambda world: _url("opt_in_list"),
        (302, 200, 200, 200, 403, 403, 403, 403),
    ),
    "wqip:opt_in_start": (
        lambda world: _url("opt_in_start", world.facility.pk, 2025),
        (302, 200, 200, 404, 403, 403, 403, 403),
    ),
    "wqip:opt_in_detail": (
        lambda world: _url("opt_in_detail", _opt_in(world).pk),
        (302, 200, 200, 404, 200, 403, 403, 200),
    ),
    "wqip:opt_in_step": (
        lambda world: _url("opt_in_step", _opt_in(world).pk, "signer"),
        (302, 200, 200, 404, 403, 403, 403, 403),
    ),
    "wqip:opt_in_submit": (
        lambda world: _url("opt_in_submit", _opt_in(world).pk),
        (302, 200, 200, 404, 403, 403, 403, 403),
    ),
    # a draft cannot be amended: facility users are sent back to the status page
    "wqip:opt_in_amend": (
        lambda world: _url("opt_in_amend", _opt_in(world).pk),
        (302, 302, 302, 404, 403, 403, 403, 403),
    ),
    "wqip:opt_in_pdf": (
        lambda world: _url("opt_in_pdf", _opt_in(world).pk),
        (302, 200, 200, 404, 200, 403, 403, 200),
    ),
    "wqip:opt_in_document_download": (
        lambda world: _url("opt_in_document_download", _document(world).pk),
        (302, 200, 200, 404, 200, 403, 403, 200),
    ),
    "wqip:opt_in_queue": (
        lambda world: _url("opt_in_queue"),
        (302, 403, 403, 403, 200, 403, 403, 200),
    ),
    "wqip:opt_in_review": (
        lambda world: _url("opt_in_review", _opt_in(world).pk),
        (302, 403, 403, 403, 200, 403, 403, 200),
    ),
    "wqip:opt_in_extension": (
        lambda world: _url("opt_in_extension", world.facility.pk, 2026),
        (302, 403, 403, 403, 200, 403, 403, 200),
    ),
}

# the same URL names with other path values, walked by tests/security/test_hostile_input.py
WALK_VARIANTS = {
    "wqip:opt_in_step": tuple(
        (lambda world, step=step: _url("opt_in_step", _opt_in(world).pk, step))
        for step in ("payee", "contacts", "documents", "acknowledgements")
    ),
}


def add_opt_in_world(world: Any) -> None:
    """Give ``world`` a draft opt-in with a W-9 for ``world.facility`` (PY4, window opened)."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from portal.models import (
        OrganisationMembership,
        Role,
        User,
    )
    from programs.wqip.models import ProgramYear
    from programs.wqip.services import opt_in as opt_in_services

    py = ProgramYear.objects.get(year=2026)
    today = timezone.localdate()
    py.opt_in_opens_on = today - datetime.timedelta(days=10)
    py.opt_in_closes_on = today + datetime.timedelta(days=10)
    py.save()
    author = User.objects.create_user(
        email=f"opt-in-author-{world.facility.pk}@example.test", role=Role.FACILITY_ADMIN
    )
    OrganisationMembership.objects.create(user=author, organisation=world.facility)
    world.extra["opt_in"] = opt_in_services.start_opt_in(
        facility=world.facility, program_year=py, actor=author
    )
    world.extra["document"] = opt_in_services.upload_opt_in_document(
        opt_in=world.extra["opt_in"],
        kind="w9",
        upload=SimpleUploadedFile("w9.pdf", b"%PDF-1.4\n%%EOF\n"),
        actor=author,
    )
