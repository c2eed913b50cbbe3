"""Inbox URLs, included by portal/portal_urls.py inside the ``portal`` namespace."""

from django.urls import path

from portal.notifications import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("preferences/", views.notice_preferences, name="notice_preferences"),
]
