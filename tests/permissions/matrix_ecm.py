"""Permission matrix rows for ECM QIP pages: the plan's ECM managers and finance see them,
SNF users (and the SNF side of the plan) get 404; an ECM provider sees only its own rows."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def _year(world: Any) -> int:
    if "ecm_year" not in world.extra:
        from programs.ecm.services.settings import create_year

        world.extra["ecm_year"] = create_year(year=2026, actor=world.users["program_admin"])
    return world.extra["ecm_year"].year  # type: ignore[attr-defined, no-any-return]


def _url(name: str, *args: Any) -> str:
    return reverse(f"ecm:{name}", args=args)


def _settings_snapshot(world: Any) -> Any:
    from programs.ecm.models import MeasurementYear

    return list(MeasurementYear.objects.values_list("year", "scoring_model", "due_day"))


CASES = {
    "ecm:settings_list": (
        lambda world: _url("settings_list"),
        (302, 404, 404, 404, 404, 200, 200, 200),
    ),
    "ecm:settings_create": (
        lambda world: _url("settings_create"),
        (302, 404, 404, 404, 404, 404, 404, 405),
    ),
    "ecm:settings_edit": (
        lambda world: _url("settings_edit", _year(world)),
        (302, 404, 404, 404, 404, 404, 404, 200),
    ),
}

POST_CASES = {
    "ecm:settings_create": (
        lambda world: _url("settings_create"),
        lambda world: {"year": "2027"},
        (302, 404, 404, 404, 404, 404, 404, 302),
        _settings_snapshot,
    ),
}
