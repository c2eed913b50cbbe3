from django.urls import include, path

from portal import opt_in_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("program-years/", views.program_year_list, name="program_year_list"),
    path("program-years/<int:pk>/edit/", views.program_year_edit, name="program_year_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
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
    path("inbox/", include("portal.notifications.urls")),
]
