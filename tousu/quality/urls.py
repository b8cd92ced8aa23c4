from django.urls import path
from django.views.generic import TemplateView

from .views import analysis, clusters, corrective, duties, library, registers, report
from .views.common import staff_only

app_name = "quality"
urlpatterns = [
    path("", staff_only(TemplateView.as_view(template_name="quality/index.html")), name="index"),
    path("reports/", report.report_list, name="report_list"),
    path("cases/<int:case_id>/report/", report.report_page, name="report"),
    path("cases/<int:case_id>/report.xlsx", report.report_file, {"fmt": "xlsx"}, name="report_xlsx"),
    path("cases/<int:case_id>/report.docx", report.report_file, {"fmt": "docx"}, name="report_docx"),
    path("cases/<int:case_id>/report/<slug:action>/", report.report_action, name="report_action"),
    path("cases/<int:case_id>/publish/", library.publish, name="publish"),
    path("hotspots/", analysis.hotspot_page, name="hotspots"),
    path("hotspots.xlsx", analysis.hotspot_xlsx, name="hotspots_xlsx"),
    path("clusters/<slug:code>/", clusters.cluster_page, name="clusters"),
    path("clusters/<slug:code>/plan/", clusters.plan_new, name="cluster_plan"),
    path("repeats/", analysis.repeat_list, name="repeats"),
    path("ledger/", analysis.ledger_page, name="ledger"),
    path("ledger.xlsx", analysis.ledger_xlsx, name="ledger_xlsx"),
    path("ledger/year/", duties.yearly, name="ledger_year"),
    path("monitoring/", duties.monitoring, name="monitoring"),
    path("registers/", registers.register_list, name="registers"),
    path("registers/<slug:code>/", registers.register_page, name="register"),
    path("registers/<slug:code>.xlsx", registers.register_xlsx, name="register_xlsx"),
    path("library/", library.library_list, name="library"),
    path("library/<int:entry_id>/", library.library_entry, name="library_entry"),
    path("actions/", corrective.action_list, name="corrective_list"),
    path("actions/new/", corrective.action_new, name="corrective_new"),
    path("actions/<int:action_id>/", corrective.action_page, name="corrective"),
    path("actions/<int:action_id>/progress/", corrective.action_progress, name="corrective_progress"),
]
