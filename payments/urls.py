from django.urls import path

from payments import views

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
]
