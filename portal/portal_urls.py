from django.urls import path

from portal import views

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
]
