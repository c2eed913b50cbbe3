"""The IPP demo data behind ``make run``: PY1-PY3, the guide's illustration, one CAP, two
provider applications; loading twice adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.demo import load_portal_demo_data
from programs.ipp.demo import load_ipp_demo_data
from programs.ipp.models import IppApplication, IppCap, IppProgramYear, IppSubmission
from programs.ipp.services.funds import reconciliation, year_cap_check

pytestmark = pytest.mark.django_db


def test_demo_data_holds_the_illustration_and_is_idempotent() -> None:
    load_portal_demo_data()
    summary = load_ipp_demo_data()
    assert summary == "IPP demo data: PY1-PY3, 5 submissions, one CAP, 2 applications"
    assert list(IppProgramYear.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert IppCap.objects.count() == 1
    kinds = sorted(IppApplication.objects.values_list("organisation__kind", flat=True))
    assert kinds == ["ecm_provider", "snf"]
    two_a = reconciliation(IppSubmission.objects.get(code="2-A"))
    assert two_a.earned.amount == Decimal("8500000.00")  # 10 M x 850 / 1,000
    p1 = reconciliation(IppSubmission.objects.get(code="1"))
    assert p1.earned.amount == Decimal("3200000.00")  # 4 M x 800 / 1,000
    assert p1.gone_back == Decimal("800000.00")
    assert p1.outstanding == Decimal("0.00")
    # 4 M + 8.5 M - 0.8 M = 11.7 M against 5% of 300 M = 15 M
    cap = year_cap_check(IppProgramYear.objects.get(number=1))
    assert cap.incentives == Decimal("11700000.00")
    assert not cap.exceeded
    assert load_ipp_demo_data() == "IPP demo data: already loaded"
    assert IppApplication.objects.count() == 2
