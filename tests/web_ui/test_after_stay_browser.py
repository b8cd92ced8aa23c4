"""The hotel's 消费后 complaint in a real browser (text 五 六、一)2、1)(1)): the front desk records it
and it goes at once to the department head, who organises the investigation, handles it and
replies; the clerk who took it cannot accept or reply alone."""

import pytest

from tests.browser import shot
from tousu.cases.models import Case

from .test_readme_walkthrough import exact, later, log_in, open_case, phone_intake, saved, state, take

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_after_stay_complaint_goes_to_the_head_who_handles_and_replies(live_server, page, hotel):
    # frontdesk: 登记新投诉 → 电话, a 消费后 complaint (the guest has left).
    log_in(page, live_server, "frontdesk")
    phone_intake(page, {
        "主题": "退房后发现多收一晚房费", "事发时间": later(-30)[0], "地点": "前台",
        "事情经过": "客人退房回家后查看账单，发现多收了一晚房费",
        "投诉人": "周女士", "电话": "13922223333", "客户要求的处理方式": "退还多收的房费",
    }, {"投诉阶段": "消费后投诉", "类别": "收费结账"})
    assert "消费后投诉" in page.inner_text("#read-back")
    page.get_by_role("button", name="客户已确认：登记").click()
    page.wait_for_url("**/staff/cases/*/")
    case = Case.objects.get()
    # Reported to the department head at once: the case is his, one level up; she took it.
    assert "前厅部经理 李强" in page.inner_text("#case-owner")
    assert (case.owner.username, case.level, case.received_by.username) == ("fo_head", 1, "frontdesk")
    # The timeline says so at the registration itself: to whom it went, at which level.
    registered = page.locator('#timeline li[data-event="register"]').inner_text()
    assert "前厅部经理 李强" in registered and "前台 王芳" in registered
    offered = [s.strip() for s in page.locator("#actions details summary").all_inner_texts()]
    for label in ("受理", "提出处理方案", "答复客户"):
        assert not any(exact(label).match(s) for s in offered), offered
    shot(page, "h1-after-stay-01-registered-to-the-head")

    # fo_head: it is in his own work; 受理, 提出处理方案, 答复客户, 记录回访, 办结.
    log_in(page, live_server, "fo_head")
    assert case.number in page.inner_text("main")
    open_case(page, live_server, case)
    take(page, "受理")
    saved(page, "受理")
    deadlines = page.inner_text("#h-clocks >> xpath=..")
    assert "消费后投诉：受理至最终处理三个工作日" in deadlines
    take(page, "提出处理方案", {"处理方案": "核对账单后退还多收的一晚房费", "补偿金额": "0"},
         {"我方有过错": "是"})
    saved(page, "提出处理方案")
    take(page, "答复客户", {"答复": "经核查确系多收，已原路退还一晚房费，深表歉意"})
    saved(page, "答复客户")
    take(page, "记录回访", {"备注": "客人已收到退款"}, {"回访结果": "满意"})
    saved(page, "记录回访")
    take(page, "办结", {"备注": "办结"})
    saved(page, "办结")
    assert state(page) == "已办结"
    shot(page, "h1-after-stay-02-closed-by-the-head")

    case.refresh_from_db()
    assert (case.state, case.owner.username, case.level) == ("closed", "fo_head", 1)
    events = list(case.events.order_by("seq").values_list("action", "actor__username"))
    assert events == [("register", "frontdesk"), ("accept", "fo_head"), ("propose_resolution", "fo_head"),
                      ("reply", "fo_head"), ("record_callback", "fo_head"), ("close", "fo_head")]
