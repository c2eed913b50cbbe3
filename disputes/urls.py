from django.urls import path

from disputes.views import case_work, filing, from_inquiry, money

app_name = "disputes"

urlpatterns = [
    # facility
    path("", filing.dispute_list, name="dispute_list"),
    path("new/", filing.dispute_start, name="dispute_start"),
    path("<int:pk>/", filing.dispute_detail, name="dispute_detail"),
    path("<int:pk>/edit/", filing.dispute_edit, name="dispute_edit"),
    path("<int:pk>/submit/", filing.dispute_submit, name="dispute_submit"),
    path("<int:pk>/attachments/", filing.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", filing.attachment_download, name="attachment_download"),
    path("<int:pk>/letter/", filing.letter_download, name="letter_download"),
    path("<int:pk>/second-level/", filing.second_level, name="second_level"),
    path("<int:pk>/messages/", filing.add_message, name="add_message"),
    path("notes/<int:pk>/edit/", filing.note_edit, name="note_edit"),
    path("from-inquiry/<int:pk>/", from_inquiry.from_inquiry_page, name="from_inquiry"),
    # liaisons
    path("cases/", case_work.queue, name="queue"),
    path("cases/paper/", case_work.paper_create, name="paper_create"),
    path("sla/", case_work.sla, name="sla"),
    path("<int:pk>/action/<slug:action>/", case_work.case_action, name="case_action"),
    path("<int:pk>/determine/", case_work.determine, name="determine"),
    # finance
    path("outcomes/", money.money_outcomes, name="money_outcomes"),
    path(
        "outcomes/adjustments/<int:pk>/approve/",
        money.adjustment_approve,
        name="adjustment_approve",
    ),
    path("<int:pk>/supplemental-run/", money.supplemental_run, name="supplemental_run"),
    path(
        "<int:pk>/supplemental-run/<int:run_pk>/approve/",
        money.supplemental_run_approve,
        name="supplemental_run_approve",
    ),
]
