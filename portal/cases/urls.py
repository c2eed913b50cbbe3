from django.urls import path

from portal.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.my_work_page, name="my_work"),
]
