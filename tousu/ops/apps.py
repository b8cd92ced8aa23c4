"""Commands that compose several apps (the worker runs cases' sweep, notify's delivery and
reports' schedule). They live here, above every app they use, so no app imports upwards."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "tousu.ops"
    label = "ops"
