from django.urls import path

from . import filing_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("produce/", views.report_produce, name="produce"),
    path("<int:report_id>/", views.report_page, name="report"),
    path("<int:report_id>/analysis/", filing_views.write, name="write"),
    path("<int:report_id>/submit/", filing_views.submit, name="submit"),
    path("<int:report_id>/review/", filing_views.review, name="review"),
    path("<int:report_id>/report.xlsx", views.report_file, {"fmt": "xlsx"}, name="xlsx"),
    path("<int:report_id>/report.docx", views.report_file, {"fmt": "docx"}, name="docx"),
]
