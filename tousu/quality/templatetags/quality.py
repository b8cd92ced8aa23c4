from django import template

from django.utils.translation import gettext as _

from tousu.cases.selectors import repeats_of

register = template.Library()


@register.filter
def get_label(labels: dict, code: str) -> str:
    """A code's label from a dict of labels (the code itself when unknown; a dash when blank)."""
    return labels.get(code, code) if code else "—"


@register.simple_tag
def daily_duty_label() -> str:
    """The name of the preset's daily duty (舆情监测, 每日查阅客户意见簿) for the navigation; "" for a
    preset without one (the link is not shown)."""
    from ..duties import policy_duties

    duty = policy_duties().monitoring
    if duty is None:
        return ""
    return duty.label or _("Monitoring log")


@register.simple_tag
def cluster_links() -> list[tuple[str, str]]:
    """(code, label) of the preset's clusters (弱覆盖投诉汇总) for the navigation; none for a preset
    that gathers no complaints by area."""
    from ..clusters import label, policy_clusters

    return [(code, label(spec)) for code, spec in policy_clusters().items()]


@register.inclusion_tag("quality/_cluster_plans.html", takes_context=True)
def cluster_plans(context, case):
    """The open plans of the area a case belongs to, for its page: `{% cluster_plans case %}`."""
    from ..clusters import open_plans_for

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"plans": open_plans_for(user, case) if user is not None and user.is_authenticated else []}


@register.inclusion_tag("quality/_duty_due.html", takes_context=True)
def daily_duty_due(context):
    """Today's task on the work list when the reader keeps a daily log not yet recorded today
    (每日查阅客户意见簿): `{% load quality %}{% daily_duty_due %}`."""
    from ..duties import duty_due_today, policy_duties

    request = context.get("request")
    user = getattr(request, "user", None)
    units = duty_due_today(user) if user is not None and user.is_authenticated else []
    duty = policy_duties().monitoring if units else None
    return {"units": units, "label": (duty.label if duty else "") or _("Monitoring log")}


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
    # One query for both, of the two columns shown: the rows were read whole, and counted by a
    # second query (a fifth of the case page's time at 100k cases, docs/performance.md).
    found = list(repeats_of(case, user=user).values("pk", "number")[:REPEATS_COUNTED])
    count = len(found)
    return {"repeats": found[:REPEATS_SHOWN], "count": count,
            "more_than": REPEATS_COUNTED - 1 if count == REPEATS_COUNTED else 0}


REPEATS_SHOWN = 10
REPEATS_COUNTED = 100
