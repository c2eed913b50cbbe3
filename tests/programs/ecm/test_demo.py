"""ECM demo data: two providers with a year of files, one late month; idempotent."""

from __future__ import annotations

import pytest

from portal.demo import load_portal_demo_data
from programs.ecm.demo import load_ecm_demo_data
from programs.ecm.models import MonthScore, ReportFile

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_with_one_late_month():
    load_portal_demo_data()
    message = load_ecm_demo_data()
    assert message.startswith("ECM QIP: 88 files for 2 providers")
    assert load_ecm_demo_data() == "ECM QIP: already loaded"
    late = MonthScore.objects.filter(measurement_year__year=2025, rtf_on_time=False)
    assert [(s.provider.name, s.month, s.rtf_days_late) for s in late] == [
        ("Cedar Street Care Partners", 6, 2)
    ]
    assert late.get().lateness_cost > 0
    year_2025 = MonthScore.objects.filter(measurement_year__year=2025)
    assert year_2025.count() == 24
    assert ReportFile.objects.filter(on_time=False).count() == 1
    assert MonthScore.objects.filter(measurement_year__year=2026, points__gt=0).exists()
