"""What an action says when it refuses: one message, in the user's language."""

from django.utils.translation import gettext_lazy as _


class ActionError(Exception):
    """Base of every refusal; `message` is shown to the user as it is."""

    def __init__(self, message, *, field: str = ""):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class Refused(ActionError):
    """Not allowed: the person lacks the right, or the case is not in a state for it."""


class InvalidInput(ActionError):
    """The input is wrong; `field` names the field when there is one."""


class StaleCase(ActionError):
    """Someone else changed the case since it was read."""

    def __init__(self):
        super().__init__(_("Someone else has just changed this case. Reload it and try again."))


class NotFound(ActionError):
    def __init__(self):
        super().__init__(_("No such case, or you may not see it."))
