from django.urls import include, path

from portal import views
from portal.accounts import views as account_views
from portal.jobs import views as job_views
from portal.registry import views as registry_views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("facilities/", registry_views.facility_list, name="facility_list"),
    path("facilities/<int:pk>/", registry_views.facility_detail, name="facility_detail"),
    path("users/", account_views.user_list, name="user_list"),
    path("users/invite/", account_views.user_invite, name="user_invite"),
    path("users/<int:pk>/deactivate/", account_views.user_deactivate, name="user_deactivate"),
    path("inbox/", include("portal.notifications.urls")),
    path("jobs/", job_views.job_list, name="job_list"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", job_views.job_retry, name="job_retry"),
]
