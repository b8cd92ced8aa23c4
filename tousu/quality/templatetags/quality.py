from django import template

from tousu.cases.selectors import repeats_of

register = template.Library()


@register.filter
def get_label(labels: dict, code: str) -> str:
    """A code's label from a dict of labels (the code itself when unknown; a dash when blank)."""
    return labels.get(code, code) if code else "—"


@register.inclusion_tag("quality/_repeat_flag.html", takes_context=True)
def repeat_flag(context, case):
    """The repeat flag for a case page: `{% load quality %}{% repeat_flag case %}`. Lists only
    the earlier complaints the viewer may see."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"repeats": [], "count": 0}
    # The newest few, linked, and how many there are: a busy unit's category can repeat thousands
    # of times in the window, and rendering them all made the case page slow (docs/performance.md).
    # The count stops at REPEATS_COUNTED ("more than 99"): counting all of them read the whole
    # window of a busy unit on every case page.
    found = repeats_of(case, user=user)
    shown = list(found[:REPEATS_SHOWN])
    count = found[:REPEATS_COUNTED].count() if len(shown) == REPEATS_SHOWN else len(shown)
    return {"repeats": shown, "count": count, "more_than": REPEATS_COUNTED - 1 if count == REPEATS_COUNTED else 0}


REPEATS_SHOWN = 10
REPEATS_COUNTED = 100
