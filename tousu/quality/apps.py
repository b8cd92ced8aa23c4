from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "tousu.quality"
    verbose_name = _("Learning from complaints")

    def ready(self):
        from tousu.cases import effects

        from .actions import corrective_action_effect, publish_effect

        effects.register("publish", publish_effect)
        effects.register("corrective_action", corrective_action_effect)
