"""Program settings per measurement year: created from the previous year, saved whole with
checks and an audit event; only the plan's managers change them; the page round-trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.models import AuditEvent
from programs.ecm.engine import scoring
from programs.ecm.models import MeasurementYear, ScoringModel
from programs.ecm.selectors.settings import year_rules
from programs.ecm.services.settings import MeasureSetting, create_year, save_year_settings

pytestmark = pytest.mark.django_db
D = Decimal


def values(year: MeasurementYear, **changes):
    data = {
        "scoring_model": year.scoring_model,
        "rate_per_member_month": year.rate_per_member_month,
        "score_mapping": year.score_mapping,
        "cap_percent": year.cap_percent,
        "cap_amount": year.cap_amount,
        "due_day": year.due_day,
        "due_in_working_days": year.due_in_working_days,
        "mcp_id": year.mcp_id,
        "codes": year.codes,
        "counted_statuses": year.counted_statuses,
    }
    data.update(changes)
    return data


POINTS_MEASURES = [
    MeasureSetting("rtf_timely", points=25, target=D("1")),
    MeasureSetting("otf_timely", points=15, target=D("1")),
    MeasureSetting("encounter_in_month", points=30, target=D("0.8")),
    MeasureSetting("care_plan_current", points=30, target=D("0.9")),
]


def test_a_first_year_starts_with_the_guides_timeliness_defaults(world):
    manager = world.users["program_admin"]
    year = create_year(year=2026, actor=manager)
    rules = year_rules(year)
    assert rules.model == scoring.TIMELINESS
    assert rules.rate_per_member_month == D("10.00")
    assert [(m.code, m.weight) for m in rules.measures] == [
        ("rtf_timely", D("0.5")),
        ("otf_timely", D("0.5")),
    ]
    assert year.due_day == 10
    assert AuditEvent.objects.filter(action="ecm.year_created").count() == 1


def test_settings_saved_whole_audited_and_copied_to_the_next_year(world):
    manager = world.users["program_admin"]
    year = create_year(year=2026, actor=manager)
    save_year_settings(
        measurement_year=year,
        values=values(
            year, scoring_model=ScoringModel.POINTS, score_mapping="bands", cap_percent=D("5")
        ),
        measures=POINTS_MEASURES,
        bands=[(D("60"), D("2")), (D("80"), D("4"))],
        actor=manager,
    )
    rules = year_rules(MeasurementYear.objects.get(year=2026))
    assert rules.model == scoring.POINTS
    assert [m.points for m in rules.measures] == [25, 15, 30, 30]
    assert rules.bands == (scoring.Band(D("60"), D("2")), scoring.Band(D("80"), D("4")))
    event = AuditEvent.objects.get(action="ecm.settings_changed")
    assert event.actor == manager
    assert event.data["from"]["scoring_model"] == "timeliness"
    assert event.data["to"]["scoring_model"] == "points"
    copied = year_rules(create_year(year=2027, actor=manager))
    assert copied.measures == rules.measures
    assert copied.bands == rules.bands


@pytest.mark.parametrize(
    ("changes", "measures", "bands", "problem"),
    [
        ({"scoring_model": "points"}, POINTS_MEASURES[:3], [], "add up to 100 (now 70)"),
        ({}, [MeasureSetting("rtf_timely")], [], "shares to add up to more than 0"),
        (
            {"scoring_model": "points", "score_mapping": "bands"},
            POINTS_MEASURES,
            [],
            "at least one band",
        ),
        (
            {"counted_statuses": ["Enroled"]},
            POINTS_MEASURES[:1],
            [],
            "not in the ECM status list: Enroled",
        ),
        ({}, [], [], "at least one measure"),
    ],
)
def test_inconsistent_settings_are_refused_and_nothing_changes(
    world, changes, measures, bands, problem
):
    manager = world.users["program_admin"]
    year = create_year(year=2026, actor=manager)
    measures = [m if m.weight or m.points else MeasureSetting(m.code) for m in measures]
    with pytest.raises(ValidationError) as caught:
        save_year_settings(
            measurement_year=year,
            values=values(year, **changes),
            measures=measures,
            bands=bands,
            actor=manager,
        )
    assert any(problem in m for m in caught.value.messages), caught.value.messages
    assert year_rules(MeasurementYear.objects.get(year=2026)).model == scoring.TIMELINESS
    assert not AuditEvent.objects.filter(action="ecm.settings_changed").exists()


def test_only_managers_change_settings(world):
    year = create_year(year=2026, actor=world.users["program_admin"])
    for role in ("finance_analyst", "facility_admin", "ltss_liaison"):
        with pytest.raises(PermissionDenied):
            save_year_settings(
                measurement_year=year,
                values=values(year),
                measures=[],
                bands=[],
                actor=world.users[role],
            )
        with pytest.raises(PermissionDenied):
            create_year(year=2030, actor=world.users[role])


def test_settings_page_round_trip(world, client_as):
    client = client_as("program_admin")
    response = client.post(reverse("ecm:settings_create"), {"year": "2026"})
    assert response.status_code == 302
    url = reverse("ecm:settings_edit", args=[2026])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {
        k: ("on" if v is True else v) for k, v in data.items() if v is not False and v is not None
    }
    data.update(
        {
            "scoring_model": "points",
            "score_mapping": "linear",
            "rtf_timely_points": "25",
            "rtf_timely_target": "1",
            "otf_timely_points": "15",
            "otf_timely_target": "1",
            "encounter_in_month_on": "on",
            "encounter_in_month_points": "60",
            "encounter_in_month_target": "0.8",
            "due_day": "3",
            "due_in_working_days": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    year = MeasurementYear.objects.get(year=2026)
    assert (year.scoring_model, year.due_day, year.due_in_working_days) == ("points", 3, True)
    assert [(m.code, m.points) for m in year.measures.all()] == [
        ("rtf_timely", 25),
        ("otf_timely", 15),
        ("encounter_in_month", 60),
    ]
    data["encounter_in_month_points"] = "50"
    data["bands"] = "80 = four"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Line 1 is not 'minimum score = bonus %'" in errors["bands"][0]
    listing = client.get(reverse("ecm:settings_list"))
    assert b"100 points (score" in listing.content
    assert client_as("finance_analyst").get(reverse("ecm:settings_list")).status_code == 200
    assert client_as("finance_analyst").get(url).status_code == 404
    assert client_as("facility_admin").get(reverse("ecm:settings_list")).status_code == 404
