from django.urls import path

from payments import bed_day_views, views

app_name = "payments"

urlpatterns = [
    path("runs/", views.run_list, name="run_list"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/export.<str:fmt>", views.run_export, name="run_export"),
    path("runs/<int:pk>/approve/", views.run_approve, name="run_approve"),
    path("ledger/", views.ledger, name="ledger"),
    path("facilities/<str:npi>/", views.facility_payments, name="facility_payments"),
    path("statements/<int:pk>.pdf", views.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>.csv", views.statement_csv, name="statement_csv"),
    path("uploads/per-diems/", views.upload_per_diems, name="upload_per_diems"),
    path("uploads/citations/", views.upload_citations, name="upload_citations"),
    path("uploads/opt-ins/", views.upload_opt_ins, name="upload_opt_ins"),
    path("bed-days/", bed_day_views.bed_day_report, name="bed_day_report"),
    path("bed-days/compute", bed_day_views.bed_day_compute, name="bed_day_compute"),
    path(
        "bed-days/facility/<int:facility_id>/",
        bed_day_views.bed_day_facility,
        name="bed_day_facility",
    ),
    path("claims/upload/", bed_day_views.claim_upload, name="claim_upload"),
    path("claims/imports/<int:pk>/", bed_day_views.claim_import_detail, name="claim_import_detail"),
    path(
        "claims/imports/<int:pk>/status",
        bed_day_views.claim_import_status,
        name="claim_import_status",
    ),
]
