"""Permission-matrix rows for the QAF pages (programs/qaf/urls.py).

Roles, in order: anonymous, facility_staff, facility_admin, other_facility_staff, ltss_liaison,
finance_analyst, finance_approver, program_admin (the ECM columns are derived, or given in
ECM_COLUMNS: QAF serves SNFs only, so the QAF pages refuse ECM users).

Facility pages start from ``visible_facilities``: another facility's is a 404. Declarations and
payments are the facility's own: its users write them, the plan's staff read (403 on writes).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

READ = (302, 200, 200, 404, 200, 200, 200, 200)
WRITE_GET = (302, 200, 200, 404, 403, 403, 403, 403)
WRITE_POST = (302, 302, 302, 404, 403, 403, 403, 403)
POST_ONLY = (302, 405, 405, 405, 405, 405, 405, 405)
MARCH = (2024, 3)


def _march(world: Any) -> Any:
    from programs.qaf.models import QafDeclaration
    from programs.qaf.services.declarations import declare_month

    existing = QafDeclaration.objects.filter(
        facility=world.facility, month=datetime.date(*MARCH, 1)
    ).first()
    if existing is not None:
        return existing
    return declare_month(
        facility=world.facility,
        month=datetime.date(*MARCH, 1),
        total_days=3_400,
        medicare_days=300,
        actor=world.users["facility_admin"],
        today=datetime.date(2024, 4, 5),
    )


def _f(name: str) -> Any:
    return lambda w: reverse(name, args=[w.facility.pk])


def _m(name: str) -> Any:
    def build(w: Any) -> str:
        _march(w)
        return reverse(name, args=[w.facility.pk, *MARCH])

    return build


def _q(name: str) -> Any:
    def build(w: Any) -> str:
        _march(w)
        return reverse(name, args=[w.facility.pk, 2024, 1])

    return build


CASES = {
    "qaf:home": (lambda w: reverse("qaf:home"), (302, 200, 200, 200, 200, 200, 200, 200)),
    "qaf:rates": (lambda w: reverse("qaf:rates"), (302, 200, 200, 200, 200, 200, 200, 200)),
    "qaf:rate_upload": (lambda w: reverse("qaf:rate_upload"), POST_ONLY),
    "qaf:facility": (_f("qaf:facility"), READ),
    "qaf:declare": (_f("qaf:declare"), WRITE_GET),
    "qaf:upload": (_f("qaf:upload"), POST_ONLY),
    "qaf:month": (_m("qaf:month"), READ),
    "qaf:payment": (_m("qaf:payment"), POST_ONLY),
    "qaf:month_statement_pdf": (_m("qaf:month_statement_pdf"), READ),
    "qaf:month_statement_csv": (_m("qaf:month_statement_csv"), READ),
    "qaf:quarters": (lambda w: reverse("qaf:quarters", args=[w.facility.pk, 2024]), READ),
    "qaf:quarter_statement_pdf": (_q("qaf:quarter_statement_pdf"), READ),
    "qaf:quarter_statement_csv": (_q("qaf:quarter_statement_csv"), READ),
    "qaf:annual": (lambda w: reverse("qaf:annual", args=[w.facility.pk, 2024]), READ),
}
# QAF serves SNFs: an ECM provider's users get 404 on every QAF page (the core's
# ProgramScopeMiddleware); the ECM program manager has no SNF either: refused (403) on the
# pages every SNF role may open
ECM_COLUMNS = {
    "qaf:home": (404, 404, 403),
    "qaf:rates": (404, 404, 403),
}


def _declaration_count(w: Any) -> int:
    from programs.qaf.models import QafDeclaration

    return QafDeclaration.objects.count()


def _payments(w: Any) -> int:
    from programs.qaf.models import QafPayment

    return QafPayment.objects.count()


def _rates(w: Any) -> list[tuple[str, str]]:
    from programs.qaf.models import QafRateYear

    return sorted((r.label, str(r.rate_under_100k)) for r in QafRateYear.objects.all())


def _payment_url(w: Any) -> str:
    _march(w)
    return reverse("qaf:payment", args=[w.facility.pk, *MARCH])


POST_CASES = {
    "qaf:declare": (
        _f("qaf:declare"),
        lambda w: {"month": "2024-02", "total_days": "2900", "medicare_days": "100"},
        WRITE_POST,
        _declaration_count,
    ),
    "qaf:upload": (
        _f("qaf:upload"),
        lambda w: {
            "file": SimpleUploadedFile(
                "months.csv",
                b"month,total_resident_days,medicare_days\n2024-01,3100,0\n",
                content_type="text/csv",
            )
        },
        WRITE_POST,
        _declaration_count,
    ),
    "qaf:payment": (
        _payment_url,
        lambda w: {
            "paid_on": "2024-04-29",
            "amount": "63829.00",
            "method": "eft",
            "reference": "EFT-1",
        },
        WRITE_POST,
        _payments,
    ),
    "qaf:rate_upload": (
        lambda w: reverse("qaf:rate_upload"),
        lambda w: {
            "file": SimpleUploadedFile(
                "rates.csv",
                b"rate_year,starts_on,ends_on,rate_under_100k,rate_over_100k,cms_approved_on\n"
                b"2025,2025-01-01,2025-12-31,20.93,19.46,2025-05-15\n",
                content_type="text/csv",
            )
        },
        (302, 403, 403, 403, 403, 403, 403, 302),
        _rates,
    ),
}
