from django.urls import path

from portal.inquiries import views

app_name = "inquiries"

urlpatterns = [
    path("", views.inquiry_list, name="inquiry_list"),
    path("new/", views.inquiry_start, name="inquiry_start"),
    path("<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("<int:pk>/edit/", views.inquiry_edit, name="inquiry_edit"),
    path("<int:pk>/messages/", views.message_add, name="message_add"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("messages/<int:pk>/", views.message_fragment, name="message_fragment"),
    path("messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:pk>/answer/", views.mark_answer, name="mark_answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("cases/", views.queue, name="queue"),
    path("sla/", views.sla, name="sla"),
]
