from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from tousu.ops.health import healthz
from tousu.ops.metrics import metrics

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:home", permanent=False), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(next_page="web:home", redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("tousu.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("tousu.portal.urls")),
    path("staff/", include("tousu.web.urls")),
    path("reports/", include("tousu.reports.urls")),
    path("quality/", include("tousu.quality.urls")),
]

# A request body over DATA_UPLOAD_MAX_MEMORY_SIZE: a 413 page (JSON under /api/), not a bare 400.
handler400 = "tousu.web.views.limits.bad_request"

urlpatterns += [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
]
