from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "tousu.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from tousu.notify import transports
        from tousu.notify.hooks import listen
        from tousu.org.models import Organisation

        from .models import WebhookSubscription
        from .webhooks import queue_case_event, subscription_secret

        listen(queue_case_event)
        transports.subscription_secret = subscription_secret
        # the active subscriptions are cached with the configuration (webhooks.py)
        for signal in (post_save, post_delete):
            signal.connect(Organisation.configuration_changed, sender=WebhookSubscription,
                           dispatch_uid=f"config-webhooks-{signal is post_save}")
