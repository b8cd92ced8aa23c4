"""A kind's register (登记簿): its cases the reader may see, each with the deadlines it is under
now, filterable by state (the stage the case is at), and the month's figures the kind's preset
lists (`[[kinds.X.monthly]]`)."""

from datetime import date

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from tousu.cases.engine import state_label
from tousu.cases.selectors import mask_name, may_see_personal_data
from tousu.cases.wording import localized
from tousu.org.services import current_policy, org_timezone, work_calendar
from tousu.reports.tally import monthly

from .. import selectors
from .common import staff_required

PER_PAGE = 50


def _month(text: str, today: date) -> date:
    try:
        year, month = (int(part) for part in text.split("-", 1))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


@staff_required
def register(request, kind: str):
    policy = current_policy()
    if kind not in policy.kinds:
        raise Http404
    spec = policy.kind(kind)
    tz = org_timezone()
    now = timezone.now()
    state = request.GET.get("state", "")
    state = state if state in spec.states else ""
    scoped, listed = selectors.register_of(request.user, kind, state)
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    personal = may_see_personal_data(request.user, policy)
    rows = [{"case": case, "state": state_label(spec, case.state),
             "complainant": case.complainant_name if personal else mask_name(case.complainant_name),
             "clocks": [{"clock": c, "overdue": c.state == c.RUNNING and c.due_at <= now}
                        for c in case.open_clocks]}
            for case in page]
    month = _month(request.GET.get("month", ""), timezone.localtime(now, tz).date())
    return render(request, "web/register.html", {
        "kind": spec, "kind_label": localized(spec.label, spec.label_en), "rows": rows, "page": page,
        "states": [(code, state_label(spec, code)) for code in spec.states], "state": state,
        "page_query": urlencode({k: v for k, v in (("state", state), ("month", request.GET.get("month", ""))) if v}),
        "month": month, "figures": monthly(scoped, spec, month, work_calendar(), tz),
    })
