"""QAF pages, under /qaf/."""

from django.urls import path

from programs.qaf.views import facility, rates, reports

app_name = "qaf"

F = "qaf/facility/<int:facility_id>/"
M = F + "<int:year>/<int:month>/"
Q = F + "quarters/<int:year>/<int:quarter>/"

urlpatterns = [
    path("qaf/", facility.qaf_home, name="home"),
    path("qaf/rates/", rates.rate_list, name="rates"),
    path("qaf/rates/upload/", rates.rate_upload, name="rate_upload"),
    path(F, facility.facility_months, name="facility"),
    path(F + "declare/", facility.declare, name="declare"),
    path(F + "upload/", facility.upload, name="upload"),
    path(M, facility.month_detail, name="month"),
    path(M + "payment/", facility.payment, name="payment"),
    path(M + "statement.pdf", reports.month_statement_pdf, name="month_statement_pdf"),
    path(M + "statement.csv", reports.month_statement_csv, name="month_statement_csv"),
    path(F + "quarters/<int:year>/", reports.quarters, name="quarters"),
    path(Q + "statement.pdf", reports.quarter_statement_pdf, name="quarter_statement_pdf"),
    path(Q + "statement.csv", reports.quarter_statement_csv, name="quarter_statement_csv"),
    path(F + "annual/<int:fiscal_year>/", reports.annual, name="annual"),
]
