from django.urls import include, path

from portal import views
from portal.accounts import views as account_views
from portal.jobs import views as job_views
from portal.registry import import_views
from portal.registry import views as registry_views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("facilities/", registry_views.facility_list, name="facility_list"),
    path("facilities/<int:pk>/", registry_views.facility_detail, name="facility_detail"),
    path("facilities/imports/", import_views.registry_import_list, name="registry_import_list"),
    path(
        "facilities/imports/<int:pk>/",
        import_views.registry_import_detail,
        name="registry_import_detail",
    ),
    path(
        "facilities/imports/<int:pk>/apply/",
        import_views.registry_import_apply,
        name="registry_import_apply",
    ),
    path(
        "facilities/imports/<int:pk>/discard/",
        import_views.registry_import_discard,
        name="registry_import_discard",
    ),
    path(
        "facilities/imports/addresses/",
        import_views.state_file_addresses,
        name="state_file_addresses",
    ),
    path(
        "facilities/imports/fetched/<int:pk>/",
        import_views.fetched_file_detail,
        name="fetched_file_detail",
    ),
    path(
        "facilities/imports/fetched/<int:pk>/import/",
        import_views.fetched_file_import,
        name="fetched_file_import",
    ),
    path(
        "facilities/imports/fetched/<int:pk>/discard/",
        import_views.fetched_file_discard,
        name="fetched_file_discard",
    ),
    path("users/", account_views.user_list, name="user_list"),
    path("users/invite/", account_views.user_invite, name="user_invite"),
    path("users/<int:pk>/deactivate/", account_views.user_deactivate, name="user_deactivate"),
    path("inbox/", include("portal.notifications.urls")),
    path("jobs/", job_views.job_list, name="job_list"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", job_views.job_retry, name="job_retry"),
]
