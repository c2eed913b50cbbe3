from django.urls import path

from portal import opt_in_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # opt-in: facility side
    path("opt-ins/", opt_in_views.opt_in_list, name="opt_in_list"),
    path(
        "opt-ins/start/<int:facility_pk>/<int:year>/",
        opt_in_views.opt_in_start,
        name="opt_in_start",
    ),
    path("opt-ins/<int:pk>/", opt_in_views.opt_in_detail, name="opt_in_detail"),
    path("opt-ins/<int:pk>/step/<slug:step>/", opt_in_views.opt_in_step, name="opt_in_step"),
    path("opt-ins/<int:pk>/submit/", opt_in_views.opt_in_submit, name="opt_in_submit"),
    path("opt-ins/<int:pk>/amend/", opt_in_views.opt_in_amend, name="opt_in_amend"),
    path("opt-ins/<int:pk>/pdf/", opt_in_views.opt_in_pdf, name="opt_in_pdf"),
    path(
        "opt-ins/documents/<int:pk>/",
        opt_in_views.opt_in_document_download,
        name="opt_in_document_download",
    ),
    # opt-in: plan side
    path("opt-ins/review/", opt_in_views.opt_in_queue, name="opt_in_queue"),
    path("opt-ins/<int:pk>/review/", opt_in_views.opt_in_review, name="opt_in_review"),
    path(
        "opt-ins/extensions/<int:facility_pk>/<int:year>/",
        opt_in_views.opt_in_extension,
        name="opt_in_extension",
    ),
]
