from django.urls import path

from .views import bulk, case, imports, intake, overview, register, saved_filters, work

app_name = "web"
urlpatterns = [
    path("", work.my_work, name="my_work"),
    path("overview/", overview.manager_overview, name="overview"),
    path("home/", overview.home, name="home"),
    path("sign-off/", work.sign_off_queue, name="sign_off"),
    path("bulk/", bulk.bulk_action, name="bulk"),
    path("filters/", saved_filters.save_filter, name="save_filter"),
    path("filters/<int:filter_id>/delete/", saved_filters.delete_filter, name="delete_filter"),
    path("units/", work.all_units, name="all_units"),
    path("register/<slug:kind>/", register.register, name="register"),
    path("intake/", intake.intake_index, name="intake_index"),
    path("intake/<slug:channel>/", intake.intake, name="intake"),
    path("cases/<int:case_id>/", case.case_page, name="case"),
    path("cases/<int:case_id>/act/<slug:action>/", case.case_action, name="case_action"),
    path("cases/<int:case_id>/attachments/<int:attachment_id>/", case.attachment, name="attachment"),
    path("cases/<int:case_id>/documents/<int:document_id>/", case.document, name="document"),
    path("import/", imports.import_page, name="import"),
]
