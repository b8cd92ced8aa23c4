"""My work and the sign-off queue: lists of the cases a person may see, nothing more."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tousu.cases.selectors import may_see_personal_data
from tousu.org.services import current_policy

from .. import selectors
from .common import staff_required

PER_PAGE = 25
TAB_LABELS = {
    "mine": _("Mine"), "units": _("My units'"), "due_soon": _("Due soon"), "overdue": _("Overdue"),
    "sign_off": _("Awaiting my sign-off"), "all": _("All I may see"),
}


def _query(params, **changes) -> str:
    merged = {k: v for k, v in params.items() if v}
    merged.update(changes)
    return urlencode({k: v for k, v in merged.items() if v})


@staff_required
def my_work(request):
    policy = current_policy()
    lists = selectors.work_lists(request.user, policy, timezone.now())
    tab = request.GET.get("tab") if request.GET.get("tab") in lists else "mine"
    params = {k: request.GET.get(k, "") for k in (*selectors.FILTERS, "q")}
    personal = may_see_personal_data(request.user, policy)
    cases = selectors.filtered(lists[tab], params, search_personal=personal)
    page = Paginator(selectors.with_next_clock(cases.order_by("-received_at", "-pk")), PER_PAGE).get_page(
        request.GET.get("page"))
    tabs = [{"code": code, "label": TAB_LABELS[code], "count": qs.count(), "active": code == tab,
             "query": _query(params, tab=code)} for code, qs in lists.items()]
    return render(request, "web/my_work.html", {
        "tabs": tabs, "tab": tab, "page": page, "params": params, "policy": policy,
        "states": policy.states, "channels": policy.channels, "categories": policy.categories,
        "stages": policy.stages, "levels": [(s.level, policy.roles[s.role].name) for s in policy.ladder],
        "page_query": _query(params, tab=tab), "now": timezone.now(),
    })


@staff_required
def sign_off_queue(request):
    policy = current_policy()
    if not selectors.may_sign_off(request.user, policy):
        raise PermissionDenied
    cases = selectors.with_next_clock(selectors.awaiting_sign_off(request.user, policy))
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/sign_off.html", {"page": page, "policy": policy, "states": policy.states})
