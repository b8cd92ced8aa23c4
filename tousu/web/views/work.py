"""My work and the sign-off queue: lists of the cases a person may see, nothing more."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tousu.cases.errors import InvalidInput
from tousu.cases.selectors import filter_cases, may_see_personal_data, order_cases
from tousu.org.services import current_policy

from .. import selectors
from .bulk import bulk_actions, bulk_people
from .common import staff_required
from .saved_filters import saved_for

PER_PAGE = 25
# A badge counts no further than "99+", and the pager no further than ten pages ahead: each count
# then reads at most that many rows of an index, however long the backlog or the history grows.
COUNT_CAP = 99
PAGES_COUNTED = 10
TAB_LABELS = {
    "mine": _("Mine"), "units": _("My units'"), "due_soon": _("Due soon"), "overdue": _("Overdue"),
    "sign_off": _("Awaiting my sign-off"), "all": _("All I may see"),
}


def _count(qs):
    """A tab's badge, counted no further than COUNT_CAP: "All I may see" grows with the years, and
    counting it on every page view would make the page as slow as the history is long."""
    n = qs.order_by()[:COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else n


class CappedPaginator(Paginator):
    """A paginator that counts no further than it needs to: up to `cap` rows and one more. A long
    list then reads "Page 2 of 10+", and "Next" still leads on; the count grows with the page asked
    for, as OFFSET does, not with the years of history (docs/performance.md)."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self):
        n = self.object_list.order_by()[:self.cap + 1].count()
        self.capped = n > self.cap
        return n

    def page(self, number):
        """The page's ids first, from the ordered list alone, then its rows with their units and
        people: joined into the ordering query, those tables led SQLite's planner to read and
        sort every case instead of walking the received-time index (docs/performance.md)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.order_by().filter(pk__in=ids).in_bulk()
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages - 1}+" if self.capped else str(self.num_pages)


def _list_cap(page_param) -> int:
    """The rows the pager counts: ten pages, or up to the page after the one asked for."""
    try:
        asked = max(int(page_param), 1)
    except (TypeError, ValueError):
        asked = 1
    return max(PAGES_COUNTED, asked + 1) * PER_PAGE


def _query(params, **changes) -> str:
    merged = {k: v for k, v in params.items() if v}
    merged.update(changes)
    return urlencode({k: v for k, v in merged.items() if v})


SORT_LABELS = {
    "-received_at": _("Newest first"), "received_at": _("Oldest first"),
    "due_at": _("Deadline soonest first"), "-due_at": _("Deadline latest first"),
    "-level": _("Highest level first"), "level": _("Lowest level first"),
}


@staff_required
def my_work(request):
    policy = current_policy()
    lists = selectors.work_lists(request.user, policy, timezone.now())
    tab = request.GET.get("tab") if request.GET.get("tab") in lists else "mine"
    params = {k: request.GET.get(k, "").strip() for k in selectors.FILTERS}
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.SORTS else selectors.SORTS[0]
    personal = may_see_personal_data(request.user, policy)
    error = None
    try:  # the API's own filters: the same names, the same meaning, the same refusals
        cases = order_cases(filter_cases(lists[tab], policy=policy, personal=personal, **params), sort)
    except InvalidInput as refused:
        error = {"field": refused.field, "message": refused.message}
        cases = lists[tab].none()
    page = CappedPaginator(selectors.with_next_clock(cases), PER_PAGE, cap=_list_cap(request.GET.get("page"))
                           ).get_page(request.GET.get("page"))
    keep = {**params, "sort": "" if sort == selectors.SORTS[0] else sort}
    tabs = [{"code": code, "label": TAB_LABELS[code], "count": _count(qs), "active": code == tab,
             "query": _query(keep, tab=code)} for code, qs in lists.items()]
    return render(request, "web/my_work.html", {
        "tabs": tabs, "tab": tab, "page": page, "params": params, "policy": policy, "error": error,
        "kinds": {code: k.label for code, k in policy.kinds.items()} if len(policy.kinds) > 1 else {},
        "states": policy.states, "channels": policy.channels, "categories": policy.categories,
        "stages": policy.stages, "levels": [(s.level, policy.roles[s.role].name) for s in policy.ladder],
        "units": selectors.filter_units(request.user), "sort": sort,
        "sorts": [(code, SORT_LABELS[code]) for code in selectors.SORTS],
        "page_query": _query(keep, tab=tab), "now": timezone.now(),
        "bulk": bulk_actions(policy), "bulk_people": bulk_people(request.user),
        "saved": saved_for(request.user), "current_query": _query(keep, tab=tab),
        "here": request.get_full_path(),
    })


@staff_required
def sign_off_queue(request):
    policy = current_policy()
    if not selectors.may_sign_off(request.user, policy):
        raise PermissionDenied
    cases = selectors.with_next_clock(selectors.awaiting_sign_off(request.user, policy))
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/sign_off.html", {"page": page, "policy": policy, "states": policy.states})


@staff_required
def all_units(request):
    """Every unit at a glance, for marketing / service management (who see every unit)."""
    if not selectors.sees_every_unit(request.user):
        raise PermissionDenied
    now = timezone.now()
    return render(request, "web/all_units.html", {
        "rows": selectors.unit_overview(request.user, now), "now": now,
        "awaiting_state": selectors.awaiting_verdict_state(current_policy())})

