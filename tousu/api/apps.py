from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "tousu.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from tousu.notify.hooks import listen

        from .webhooks import queue_case_event

        listen(queue_case_event)
