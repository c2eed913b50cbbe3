from django.urls import path

from payments import bed_day_views

app_name = "payments"

urlpatterns: list = [
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
