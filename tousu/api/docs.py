"""Swagger UI from the files django-ninja ships, so the docs work offline (no CDN)."""

import json
from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import Swagger

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
SERVED = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}


class OfflineSwagger(Swagger):
    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/swagger.html", {
            "api": api, "swagger_settings": json.dumps(settings),
            "asset": {name.split(".")[0].replace("-", "_"): reverse("api-docs-asset", args=[name])
                      for name in SERVED}})


def asset(request, name: str):
    if name not in SERVED:
        raise Http404(name)
    response = FileResponse((ASSETS / name).open("rb"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
