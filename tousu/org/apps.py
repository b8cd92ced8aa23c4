from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "tousu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Holiday, HolidayYear, Organisation, Role, Unit

        # A unit added or moved: what this request or batch has read of the tree (the subtree ids
        # the case selectors keep, cases/selectors._subtree_ids) is read again.
        for signal in (post_save, post_delete):
            signal.connect(_forget_read_tree, sender=Unit, dispatch_uid=f"tree-Unit-{signal is post_save}")
        for model in (Role, Holiday, HolidayYear):
            for signal in (post_save, post_delete):
                signal.connect(Organisation.configuration_changed, sender=model,
                               dispatch_uid=f"config-{model.__name__}-{signal is post_save}")


def _forget_read_tree(**_signal) -> None:
    from .services import forget_configuration

    forget_configuration()
