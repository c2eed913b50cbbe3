"""ECM QIP pages, under /ecm/ (names in the ``ecm`` namespace)."""

from django.urls import path

from programs.ecm.views import dashboards, files, settings

app_name = "ecm"

urlpatterns = [
    path("", dashboards.ecm_home, name="home"),
    path("providers/", dashboards.plan_dashboard, name="plan_dashboard"),
    path("providers/export.<str:fmt>", dashboards.plan_export, name="plan_export"),
    path("providers/<int:provider_id>/", dashboards.provider_dashboard, name="provider_dashboard"),
    path("providers/<int:provider_id>/files/", files.file_list, name="file_list"),
    path("providers/<int:provider_id>/files/send/", files.file_upload, name="file_upload"),
    path("files/<int:pk>/", files.file_detail, name="file_detail"),
    path("settings/", settings.settings_list, name="settings_list"),
    path("settings/new/", settings.settings_create, name="settings_create"),
    path("settings/<int:year>/", settings.settings_edit, name="settings_edit"),
]
