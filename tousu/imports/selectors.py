"""Who may import, and into which unit."""

from tousu.org.models import Unit
from tousu.org.selectors import memberships


def importer_unit(actor, code: str = ""):
    """The unit `code` when the actor is a member of it or of a unit above it; without a code,
    the actor's first unit. None when neither."""
    mine = list(memberships(actor))
    if not code:
        return mine[0].unit if mine else None
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not any(unit.path.startswith(m.unit.path) for m in mine):
        return None
    return unit
