from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("produce/", views.report_produce, name="produce"),
    path("<int:report_id>/", views.report_page, name="report"),
    path("<int:report_id>/report.xlsx", views.report_file, {"fmt": "xlsx"}, name="xlsx"),
    path("<int:report_id>/report.docx", views.report_file, {"fmt": "docx"}, name="docx"),
]
