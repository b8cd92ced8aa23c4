"""A procurement decision in a real browser (Debian's Chromium): the handler drafts the findings
and the ruling on every complaint item, the division head reviews, the department leader signs,
and the handler serves the decision on every party; the case page then shows each party's day
of service and the last days for reconsideration and a lawsuit. Screenshots in
test-artifacts/screenshots/procurement-*.png."""

import datetime as dt
import io

import docx
import pytest
from django.utils import timezone

from tests.browser import shot
from tests.cases.test_scenario_procurement import ITEMS, do, register
from tousu.cases.models import Case, CaseDocument
from tousu.org.services import org_timezone

from .test_browser_flows import case_url, log_in, submit

pytestmark = pytest.mark.django_db(transaction=True)


def open_action(page, action):
    page.click(f"#action-{action} summary")


def fill(page, action, **fields):
    for name, value in fields.items():
        selector = f"#id_{action}-{name}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def log_out(page):
    page.click("#logout")
    page.wait_for_url("**/accounts/login/")


def test_the_decision_is_drafted_approved_signed_and_served_in_the_browser(live_server, page, cg):
    case = register(cg, timezone.now())
    do("enter_items", cg.cg_handler, case, items=ITEMS)
    do("add_agency", cg.cg_handler, case, party_name="某省药械招标有限公司", party_address="某市南二环")
    do("accept", cg.cg_handler, case)

    # The handler drafts: one finding, one ruling and one basis for each of the three items.
    log_in(page, live_server, "cg_handler", then=case_url(case))
    open_action(page, "draft_decision")
    assert page.locator("#action-draft_decision .per-item-entry").count() == 9  # three inputs × three items
    fill(page, "draft_decision", findings_0="三家预中标单位均有重大必备条款不符合要求",
         findings_1="资信证明未经签字", findings_2="业绩不影响结论",
         rulings_0="成立", rulings_1="不成立", rulings_2="不成立",
         ruling_basis_0="政府采购法第三十六条", ruling_basis_1="招标文件", ruling_basis_2="招标文件",
         result="upheld", decision="此次招标结果无效，责令重新开展采购活动。",
         reconsideration_body="某省人民政府", court="某市中级人民法院")
    shot(page, "procurement-01-draft")
    submit(page, "[data-action=draft_decision]")
    assert page.locator("#approvals li[data-state=pending]").count() == 1
    log_out(page)

    # The division head reviews.
    log_in(page, live_server, "cg_head", then=case_url(case))
    open_action(page, "approve_decision")
    fill(page, "approve_decision", note="同意，请厅领导签发")
    submit(page, "[data-action=approve_decision]")
    shot(page, "procurement-02-reviewed")
    log_out(page)

    # The department leader signs: the system issues the decision document.
    log_in(page, live_server, "cg_leader", then=case_url(case))
    open_action(page, "approve_decision")
    fill(page, "approve_decision", note="签发")
    submit(page, "[data-action=approve_decision]")
    assert Case.objects.get(pk=case.pk).state == "decided"
    assert page.locator("#documents li").filter(has_text="投诉处理决定书").count() == 1
    shot(page, "procurement-03-signed")
    log_out(page)

    # The handler serves the decision on every party, today.
    today = timezone.localtime(timezone.now(), org_timezone()).date()
    log_in(page, live_server, "cg_handler", then=case_url(case))
    for party in Case.objects.get(pk=case.pk).parties.order_by("pk"):
        open_action(page, "serve_decision")
        fill(page, "serve_decision", party=str(party.pk), method="in_person", served_on=today.isoformat())
        submit(page, "[data-action=serve_decision]")
    case = Case.objects.get(pk=case.pk)
    assert case.state == "delivered"
    services = page.locator("#services")
    assert services.locator("li[data-party]").count() == 3
    shot(page, "procurement-04-served")

    # Each party's last days, counted as the Civil Code counts them, on the page and in its copy.
    from tousu.domain.periods import period_end
    from tousu.org.services import work_calendar

    reconsider = period_end(today, 60, "days", work_calendar()).last_day
    sue = period_end(today, 6, "months", work_calendar()).last_day
    text = services.inner_text()
    assert text.count(reconsider.isoformat()) == 3 and text.count(sue.isoformat()) == 3
    copy = CaseDocument.objects.filter(case=case, name="decision").order_by("-pk").first()
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(copy.file.open("rb").read())).paragraphs)
    assert f"至{reconsider.year}年{reconsider.month}月{reconsider.day}日止" in body
    assert reconsider > today + dt.timedelta(days=59)
