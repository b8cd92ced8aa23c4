from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("tousu.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("tousu.portal.urls")),
    path("staff/", include("tousu.web.urls")),
]
