"""Bulk actions on the work list: the actions a preset marks `bulk = true` (批量指派, 批量备注),
taken on each ticked complaint in turn through the same action as on the case page, so each
one is checked, recorded and refused on its own. Nothing here writes a case."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tousu.cases import inputs as input_rules
from tousu.cases.engine import label_of, perform
from tousu.cases.errors import ActionError
from tousu.cases.selectors import cases_visible_to
from tousu.org.models import Membership
from tousu.org.selectors import memberships
from tousu.org.services import current_policy

from .common import staff_required

MAX_CASES = 200  # a page of the list is 25; a bigger selection is a mistake, not work


def bulk_actions(policy) -> list[dict]:
    """[{code, kind, spec, label}] of the actions offered on the work list, by kind."""
    return [{"code": f"{kind.code}:{spec.name}", "kind": kind, "spec": spec, "label": label_of(kind, spec.name),
             "inputs": [(item, input_rules.label(item)) for item in spec.inputs]}
            for kind in policy.kinds.values()
            for spec in sorted(kind.actions.values(), key=lambda s: s.order) if spec.bulk and spec.label]


def bulk_people(user):
    """Whom a bulk assignment may name: the active members of the person's units and below (the
    action still refuses anyone who does not cover a case's units)."""
    paths = [m.unit.path for m in memberships(user)]
    if not paths:
        return get_user_model().objects.none()
    from django.db.models import Q

    where = Q(pk__in=[])
    for path in paths:
        where |= Q(unit__path__startswith=path)
    ids = Membership.objects.filter(where).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/staff/"
    return HttpResponseRedirect(target)


def _inputs(request, chosen) -> dict:
    values = {}
    for item in chosen["spec"].inputs:
        raw = request.POST.get(f"{chosen['code']}-{item.name}", "").strip()
        if item.type == "person":
            values[item.name] = bulk_people(request.user).filter(pk=raw).first() if raw.isdigit() else None
        else:
            values[item.name] = raw
    return values


@staff_required
@require_POST
def bulk_action(request):
    policy = current_policy()
    offered = {a["code"]: a for a in bulk_actions(policy)}
    chosen = offered.get(request.POST.get("action", ""))
    ids = [int(v) for v in request.POST.getlist("case") if v.isdigit()][:MAX_CASES]
    if chosen is None:
        messages.error(request, _("Choose what to do with the ticked complaints."))
        return _back(request)
    if not ids:
        messages.error(request, _("Tick the complaints first."))
        return _back(request)
    inputs = _inputs(request, chosen)
    cases = dict(cases_visible_to(request.user).filter(pk__in=ids).values_list("pk", "number"))
    done, refused = [], []
    for case_id in ids:
        if case_id not in cases:
            refused.append(_("#%(id)s: not found") % {"id": case_id})
            continue
        try:
            perform(chosen["spec"].name, actor=request.user, case_id=case_id, inputs=inputs)
        except ActionError as error:
            refused.append(f"{cases[case_id]}: {error.message}")
        else:
            done.append(cases[case_id])
    if done:
        messages.success(request, _("%(action)s done for %(n)d: %(numbers)s") % {
            "action": chosen["label"], "n": len(done), "numbers": "、".join(done)})
    if refused:
        messages.error(request, _("Not done for %(n)d: %(why)s") % {"n": len(refused), "why": "；".join(refused)})
    return _back(request)
