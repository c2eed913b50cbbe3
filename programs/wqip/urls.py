"""WQIP pages. Paths are those of before the program became a package (operators' bookmarks
and links in e-mails keep working); names are in the ``wqip`` namespace."""

from django.urls import path

from programs.wqip.views import bed_days, imports, opt_in, program_years

app_name = "wqip"

urlpatterns = [
    path("program-years/", program_years.program_year_list, name="program_year_list"),
    path(
        "program-years/<int:pk>/edit/",
        program_years.program_year_edit,
        name="program_year_edit",
    ),
    # opt-in: facility side
    path("opt-ins/", opt_in.opt_in_list, name="opt_in_list"),
    path(
        "opt-ins/start/<int:facility_pk>/<int:year>/",
        opt_in.opt_in_start,
        name="opt_in_start",
    ),
    path("opt-ins/<int:pk>/", opt_in.opt_in_detail, name="opt_in_detail"),
    path("opt-ins/<int:pk>/step/<slug:step>/", opt_in.opt_in_step, name="opt_in_step"),
    path("opt-ins/<int:pk>/submit/", opt_in.opt_in_submit, name="opt_in_submit"),
    path("opt-ins/<int:pk>/amend/", opt_in.opt_in_amend, name="opt_in_amend"),
    path("opt-ins/<int:pk>/pdf/", opt_in.opt_in_pdf, name="opt_in_pdf"),
    path(
        "opt-ins/documents/<int:pk>/",
        opt_in.opt_in_document_download,
        name="opt_in_document_download",
    ),
    # opt-in: plan side
    path("opt-ins/review/", opt_in.opt_in_queue, name="opt_in_queue"),
    path("opt-ins/<int:pk>/review/", opt_in.opt_in_review, name="opt_in_review"),
    path(
        "opt-ins/extensions/<int:facility_pk>/<int:year>/",
        opt_in.opt_in_extension,
        name="opt_in_extension",
    ),
    # finance uploads of WQIP inputs
    path("payments/uploads/per-diems/", imports.upload_per_diems, name="upload_per_diems"),
    path("payments/uploads/citations/", imports.upload_citations, name="upload_citations"),
    path("payments/uploads/opt-ins/", imports.upload_opt_ins, name="upload_opt_ins"),
    # bed days and claims
    path("payments/bed-days/", bed_days.bed_day_report, name="bed_day_report"),
    path("payments/bed-days/compute", bed_days.bed_day_compute, name="bed_day_compute"),
    path(
        "payments/bed-days/facility/<int:facility_id>/",
        bed_days.bed_day_facility,
        name="bed_day_facility",
    ),
    path("payments/claims/upload/", bed_days.claim_upload, name="claim_upload"),
    path(
        "payments/claims/imports/<int:pk>/",
        bed_days.claim_import_detail,
        name="claim_import_detail",
    ),
    path(
        "payments/claims/imports/<int:pk>/status",
        bed_days.claim_import_status,
        name="claim_import_status",
    ),
]
