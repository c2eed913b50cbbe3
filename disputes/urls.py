from django.urls import path

from disputes import views

app_name = "disputes"

urlpatterns = [
    # facility
    path("", views.dispute_list, name="dispute_list"),
    path("new/", views.dispute_start, name="dispute_start"),
    path("<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("<int:pk>/edit/", views.dispute_edit, name="dispute_edit"),
    path("<int:pk>/submit/", views.dispute_submit, name="dispute_submit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/letter/", views.letter_download, name="letter_download"),
    path("<int:pk>/second-level/", views.second_level, name="second_level"),
    path("<int:pk>/messages/", views.add_message, name="add_message"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    # liaisons
    path("cases/", views.queue, name="queue"),
    path("cases/paper/", views.paper_create, name="paper_create"),
    path("sla/", views.sla, name="sla"),
    path("<int:pk>/action/<slug:action>/", views.case_action, name="case_action"),
    path("<int:pk>/determine/", views.determine, name="determine"),
    # finance
    path("outcomes/", views.money_outcomes, name="money_outcomes"),
    path(
        "outcomes/adjustments/<int:pk>/approve/",
        views.adjustment_approve,
        name="adjustment_approve",
    ),
    path("<int:pk>/supplemental-run/", views.supplemental_run, name="supplemental_run"),
    path(
        "<int:pk>/supplemental-run/<int:run_pk>/approve/",
        views.supplemental_run_approve,
        name="supplemental_run_approve",
    ),
]
