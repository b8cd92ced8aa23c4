from django.urls import URLPattern, path, re_path

from . import docs, errors
from .api import api

ninja_urls = api.urls
for pattern in ninja_urls[0]:
    if isinstance(pattern, URLPattern):
        pattern.callback = errors.json_405(pattern.callback)

urlpatterns = [
    path("docs/assets/<str:name>", docs.asset, name="api-docs-asset"),
    path("", ninja_urls),
    re_path(r"^.*$", errors.not_found_view),  # JSON, like every other error under /api/
]
