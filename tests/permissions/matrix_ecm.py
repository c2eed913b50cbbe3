"""Permission matrix rows for ECM QIP pages (every role of both kinds): the plan's ECM
program manager, program administrator and finance see every provider; ECM provider staff and
administrators their own (``world.ecm_provider_a``); SNF users and the LTSS liaison get 404.
Another provider's objects: tests/programs/ecm/test_permissions.py."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

# anonymous, facility_staff, facility_admin, other_facility_staff, ltss_liaison,
# finance_analyst, finance_approver, program_admin, ecm_provider_staff, ecm_provider_admin,
# ecm_program_manager
NO_SNF = (404, 404, 404, 404)


def ecm_world(world: Any) -> dict[str, Any]:
    """A measurement year 2026 and one March RTF for each of the world's ECM providers."""
    if "ecm" not in world.extra:
        from programs.ecm.services.intake import accept_report
        from programs.ecm.services.settings import create_year
        from tests.programs.ecm.factories import pacific, rtf_content

        manager = world.users["ecm_program_manager"]
        year = create_year(year=2026, actor=manager)
        files = {
            key: accept_report(
                provider=provider,
                measurement_year=year,
                month=3,
                kind="rtf",
                content=rtf_content(provider, 2026, 3, 4),
                file_name="rtf.csv",
                actor=manager,
                received_at=pacific(2026, 4, 9),
            )
            for key, provider in (("a", world.ecm_provider_a), ("b", world.ecm_provider_b))
        }
        world.extra["ecm"] = {"year": year, "files": files}
    return world.extra["ecm"]  # type: ignore[return-value]


def _url(name: str, *args: Any) -> str:
    return reverse(f"ecm:{name}", args=args)


def _with_year(world: Any, name: str, *args: Any) -> str:
    ecm_world(world)
    return _url(name, *args)


def _settings_snapshot(world: Any) -> Any:
    from programs.ecm.models import MeasurementYear

    return list(MeasurementYear.objects.values_list("year", "scoring_model", "due_day"))


def _files_snapshot(world: Any) -> Any:
    from programs.ecm.models import ReportFile

    return list(ReportFile.objects.order_by("id").values_list("id", "is_current"))


def _upload_data(world: Any) -> dict[str, Any]:
    from tests.programs.ecm.factories import rtf_content

    ecm_world(world)
    content = rtf_content(world.ecm_provider_a, 2026, 3, 3)
    return {
        "year": "2026",
        "month": "3",
        "kind": "rtf",
        "file": SimpleUploadedFile("rtf.csv", content),
    }


PLAN_ONLY = (302, *NO_SNF, 200, 200, 200, 404, 404, 200)
EVERY_ECM_USER = (302, *NO_SNF, 200, 200, 200, 200, 200, 200)

CASES = {
    "ecm:home": (
        lambda world: _url("home"),
        (302, *NO_SNF, 302, 302, 302, 302, 302, 302),
    ),
    "ecm:plan_dashboard": (lambda world: _with_year(world, "plan_dashboard"), PLAN_ONLY),
    "ecm:plan_export": (lambda world: _with_year(world, "plan_export", "csv"), PLAN_ONLY),
    "ecm:provider_dashboard": (
        lambda world: _with_year(world, "provider_dashboard", world.ecm_provider_a.pk),
        EVERY_ECM_USER,
    ),
    "ecm:file_list": (
        lambda world: _with_year(world, "file_list", world.ecm_provider_a.pk),
        EVERY_ECM_USER,
    ),
    "ecm:file_upload": (
        lambda world: _with_year(world, "file_upload", world.ecm_provider_a.pk),
        (302, *NO_SNF, 404, 404, 200, 200, 200, 200),
    ),
    "ecm:file_detail": (
        lambda world: _url("file_detail", ecm_world(world)["files"]["a"].pk),
        EVERY_ECM_USER,
    ),
    "ecm:settings_list": (lambda world: _url("settings_list"), PLAN_ONLY),
    "ecm:settings_create": (
        lambda world: _url("settings_create"),
        (302, *NO_SNF, 404, 404, 405, 404, 404, 405),
    ),
    "ecm:settings_edit": (
        lambda world: _with_year(world, "settings_edit", 2026),
        (302, *NO_SNF, 404, 404, 200, 404, 404, 200),
    ),
}

POST_CASES = {
    "ecm:settings_create": (
        lambda world: _url("settings_create"),
        lambda world: {"year": "2027"},
        (302, *NO_SNF, 404, 404, 302, 404, 404, 302),
        _settings_snapshot,
    ),
    "ecm:file_upload": (
        lambda world: _with_year(world, "file_upload", world.ecm_provider_a.pk),
        _upload_data,
        (302, *NO_SNF, 404, 404, 302, 302, 302, 302),
        _files_snapshot,
    ),
}
