"""IPP pages, under /ipp/."""

from django.urls import path

from programs.ipp.views import cap, plan, providers, public

app_name = "ipp"

urlpatterns = [
    path("years/", plan.years, name="years"),
    path("years/catalogue/", plan.catalogue_upload, name="catalogue_upload"),
    path("years/<int:number>/", plan.year_detail, name="year"),
    path("years/<int:number>/funds/", plan.funds_entry, name="funds_entry"),
    path("years/<int:number>/funds/<int:pk>/decide/", plan.transfer_decide, name="transfer_decide"),
    path("submissions/<int:pk>/", plan.submission_detail, name="submission"),
    path("submissions/<int:pk>/letter/", plan.letter_upload, name="letter_upload"),
    path("submissions/<int:pk>/letters/<int:letter_id>/", plan.letter_download, name="letter"),
    path("measures/<int:pk>/result/", plan.result, name="result"),
    path("applications/", providers.application_list, name="applications"),
    path("applications/new/", providers.apply, name="apply"),
    path("applications/<int:pk>/", providers.application_detail, name="application"),
    path("applications/<int:pk>/decide/", providers.decide, name="decide"),
    path(
        "applications/<int:pk>/documents/<int:document_id>/",
        providers.document_download,
        name="application_document",
    ),
    path("caps/", cap.cap_list, name="caps"),
    path("caps/items/<int:pk>/", cap.cap_item_update, name="cap_item_update"),
    path("caps/items/<int:pk>/documents/<int:document_id>/", cap.cap_document, name="cap_document"),
    path("survey/", providers.survey, name="survey"),
    path("feedback/", public.feedback_list, name="feedback_list"),
    path("feedback/<int:pk>/answer/", public.feedback_answer, name="feedback_answer"),
    path("feedback/documents/", public.document_publish, name="document_publish"),
    path("public/", public.public_page, name="public"),
    path("public/thanks/", public.public_thanks, name="public_thanks"),
    path("public/documents/<int:pk>/", public.public_document, name="public_document"),
]
