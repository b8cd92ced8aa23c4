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
    return {"repeats": list(repeats_of(case, user=user)) if user is not None else []}
