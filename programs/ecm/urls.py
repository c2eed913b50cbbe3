"""ECM QIP pages, under /ecm/ (names in the ``ecm`` namespace)."""

from django.urls import path

from programs.ecm.views import settings

app_name = "ecm"

urlpatterns = [
    path("settings/", settings.settings_list, name="settings_list"),
    path("settings/new/", settings.settings_create, name="settings_create"),
    path("settings/<int:year>/", settings.settings_edit, name="settings_edit"),
]
