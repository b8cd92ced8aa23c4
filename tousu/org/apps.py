from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "tousu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Holiday, HolidayYear, Organisation, Role

        for model in (Role, Holiday, HolidayYear):
            for signal in (post_save, post_delete):
                signal.connect(Organisation.configuration_changed, sender=model,
                               dispatch_uid=f"config-{model.__name__}-{signal is post_save}")
