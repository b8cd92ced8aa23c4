"""The README's two walkthroughs, followed literally in a real browser: the people it names log
in, and every step is taken by clicking the Chinese words the README quotes (登记新投诉, 电话,
受理, 升级, 转交被投诉单位, 同意方案, 提出处理方案, 答复客户, 记录回访, 办结, 签字确认 ...).
No step uses the admin or the ORM; the database is only read to check what the page said."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import shot
from tousu.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def exact(text: str):
    """`text` alone (a required field's label also carries a "*")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def log_in(page, live_server, username):
    """Log out whoever is logged in, then log in as `username` (the demo password is "pw" here)."""
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/")
    logout = page.get_by_role("button", name="退出登录")
    if logout.count():
        logout.click()
        page.wait_for_url("**/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/**")


def open_case(page, live_server, case):
    """Find the case in 我的工作 the way a person does: search its number, follow the link."""
    page.goto(live_server.url + "/staff/?tab=all")
    page.get_by_label(re.compile("搜索")).fill(case.number)
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=case.number).click()
    page.wait_for_selector("#case-body")
    assert case.number in page.inner_text("h1")


def action(page, label):
    """The action named `label` on the case page (its <details>), opened."""
    box = page.locator("#actions details").filter(has=page.locator("summary", has_text=exact(label)))
    assert box.count() == 1, f"{label} is not offered: {page.inner_text('#actions')}"
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def take(page, label, fields=None, choose=None):
    """Open the action `label`, fill its fields by their labels, press its button and wait for
    the case section to be re-rendered (htmx)."""
    box = action(page, label)
    for field, value in (fields or {}).items():
        box.get_by_label(exact(field)).fill(value)
    for field, option in (choose or {}).items():
        box.get_by_label(exact(field)).select_option(label=option)
    page.evaluate("document.getElementById('case-body').dataset.old = '1'")
    box.get_by_role("button", name=exact(label)).click()
    page.wait_for_selector("#case-body:not([data-old])")


def saved(page, label):
    notice = page.locator("#notice")
    assert notice.is_visible(), page.inner_text("#case-body")
    assert label in notice.inner_text()


def state(page) -> str:
    return page.inner_text("#case-state").strip()


def later(hours: int) -> tuple[str, str]:
    """A local time `hours` from now, as a datetime-local input wants it and as the page shows it."""
    moment = timezone.localtime(timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M"), moment.strftime("%Y-%m-%d %H:%M")


def phone_intake(page, facts, choose):
    """登记新投诉 → 电话, fill in the facts, 向客户复述, then the customer confirms."""
    page.get_by_role("link", name="登记新投诉").click()
    page.locator("nav.tabs").get_by_role("link", name="电话", exact=True).click()
    page.wait_for_url("**/staff/intake/phone/")
    form = page.locator("#intake-form")
    for label, value in facts.items():
        form.get_by_label(exact(label)).fill(value)
    for label, option in choose.items():
        form.get_by_label(exact(label)).select_option(label=option)
    page.get_by_role("button", name="向客户复述").click()
    page.wait_for_selector("#read-back")


def test_s1_carry_a_hotel_complaint_from_intake_to_closing(live_server, page, hotel):
    requested_input, requested_shown = later(6)

    # 1. frontdesk: 登记新投诉 → 电话, the facts, 消费中投诉 with the requested time, against 客房部.
    log_in(page, live_server, "frontdesk")
    phone_intake(page, {
        "主题": "房间卫生间有异味", "事发时间": later(-2)[0], "地点": "1208 房",
        "事情经过": "入住后卫生间一直有异味，打电话给客房中心没有人来处理",
        "当事人": "客房服务员", "投诉人": "林先生", "电话": "13911112222",
        "客户要求的处理方式": "今晚换一间同等房型的房间", "客户要求的处理时间": requested_input,
    }, {"投诉阶段": "消费中投诉", "被投诉单位": "客房部", "类别": "卫生"})
    read_back = page.inner_text("#read-back")
    for fact in ("房间卫生间有异味", "1208 房", "林先生", "消费中投诉", "客房部", requested_shown):
        assert fact in read_back
    assert Case.objects.count() == 0  # nothing is saved before the customer confirms
    shot(page, "readme-s1-01-read-back")
    page.get_by_role("button", name="客户已确认：登记").click()
    page.wait_for_url("**/staff/cases/*/")
    case = Case.objects.get()
    assert f"投诉{case.number}已登记" in page.inner_text("main")
    assert "前台 王芳" in page.inner_text("#case-owner")  # 首问负责制: the case is hers
    assert state(page) == "已登记" and requested_shown in page.inner_text("#case-body")
    shot(page, "readme-s1-02-registered")

    # 2. 受理: the deadline is the guest's requested time; then 升级 to 前厅部经理 fo_head.
    take(page, "受理")
    saved(page, "受理")
    assert state(page) == "已受理"
    deadlines = page.inner_text("#h-clocks >> xpath=..")
    assert "消费中投诉：客人要求的处理时间" in deadlines and requested_shown in deadlines
    take(page, "升级", {"原因": "客人要求部门经理出面处理"})
    saved(page, "升级")
    assert "前厅部经理 李强" in page.inner_text("#case-owner")
    shot(page, "readme-s1-03-escalated")

    # 3. fo_head: 转交被投诉单位 with the plan.
    log_in(page, live_server, "fo_head")
    assert case.number in page.inner_text("main")  # it is in fo_head's own work
    open_case(page, live_server, case)
    # The unit complained about, recorded at intake, is already chosen: only the plan is written.
    box = action(page, "转交被投诉单位")
    assert box.get_by_label("被投诉单位").evaluate("e => e.options[e.selectedIndex].text") == "客房部"
    take(page, "转交被投诉单位", {"方案": "客房部今晚为客人换房，并检查 1208 房排风"})
    saved(page, "转交被投诉单位")
    assert "客房部经理 陈刚" in page.inner_text("#case-owner")
    shot(page, "readme-s1-04-transferred")

    # hk_head (客房部经理): 同意方案, 提出处理方案 (beyond 1,000 is refused and names who may grant
    # it), 答复客户.
    log_in(page, live_server, "hk_head")
    open_case(page, live_server, case)
    take(page, "同意方案", {"备注": "同意换房方案"})
    saved(page, "同意方案")
    take(page, "提出处理方案", {"处理方案": "换房并赠送一晚房费", "补偿金额": "1500"}, {"我方有过错": "是"})
    refusal = page.inner_text("#action-propose_resolution")
    assert "分管副总" in refusal, refusal  # who may grant it
    assert Case.objects.get().resolution == ""
    shot(page, "readme-s1-05-beyond-authority")
    take(page, "提出处理方案", {"处理方案": "换房并赠送早餐", "补偿金额": "300"}, {"我方有过错": "是"})
    saved(page, "提出处理方案")
    take(page, "答复客户", {"答复": "已为您换到 1506 房，并赠送明早双人早餐，再次致歉"})
    saved(page, "答复客户")
    assert state(page) == "已答复"
    shot(page, "readme-s1-06-replied")

    # 4. 记录回访: 不满意 escalates by itself to 分管副总 deputy.
    take(page, "记录回访", {"备注": "客人认为赔偿不够"}, {"回访结果": "不满意"})
    # hk_head is still a member of the handling unit, so the page stays; the owner changed.
    assert "分管副总 孙伟" in page.inner_text("#case-owner")
    assert state(page) == "处理中"
    shot(page, "readme-s1-07-not-satisfied-escalated")

    log_in(page, live_server, "deputy")
    open_case(page, live_server, case)
    take(page, "提出处理方案", {"处理方案": "换房，免收当晚房费并致歉", "补偿金额": "800"}, {"我方有过错": "是"})
    saved(page, "提出处理方案")
    take(page, "答复客户", {"答复": "分管副总致电致歉，免收当晚房费"})
    saved(page, "答复客户")
    take(page, "记录回访", {"备注": "客人表示满意"}, {"回访结果": "满意"})
    saved(page, "记录回访")
    assert state(page) == "已确认"
    take(page, "办结", {"备注": "办结"})
    saved(page, "办结")
    assert state(page) == "已办结"
    shot(page, "readme-s1-08-closed")

    case.refresh_from_db()
    assert (case.state, case.callback_result, case.owner.username, case.level) == (
        "closed", "satisfied", "deputy", 2)
    timeline = [e.action for e in case.events.order_by("seq")]
    assert timeline == ["register", "accept", "escalate", "transfer", "agree_plan", "propose_resolution",
                        "reply", "record_callback", "escalate", "propose_resolution", "reply",
                        "record_callback", "close"]


def test_s2_carry_a_bank_complaint_from_intake_to_closing(live_server, page, bank):
    agreed_input, agreed_shown = later(48)

    # teller registers a phone complaint and escalates to the 投诉管理人 cm.
    log_in(page, live_server, "teller")
    phone_intake(page, {
        "主题": "理财产品收益与宣传不符", "事情经过": "客户来电称购买的理财产品收益低于营业网点宣传",
        "投诉人": "陈女士", "电话": "13900002222", "客户要求的处理方式": "补偿收益差额",
    }, {"类别": "理财产品"})
    assert "陈女士" in page.inner_text("#read-back")
    shot(page, "readme-s2-01-read-back")
    page.get_by_role("button", name="客户已确认：登记").click()
    page.wait_for_url("**/staff/cases/*/")
    case = Case.objects.get()
    assert "柜员 张敏" in page.inner_text("#case-owner")
    take(page, "升级", {"原因": "转投诉管理人处理"})
    saved(page, "升级")
    assert "投诉管理人 黄磊" in page.inner_text("#case-owner")
    shot(page, "readme-s2-02-escalated-to-cm")

    # cm accepts with the reply time agreed with the customer.
    log_in(page, live_server, "cm")
    open_case(page, live_server, case)
    take(page, "受理", {"约定回复时间": agreed_input})
    saved(page, "受理")
    assert agreed_shown in page.inner_text("#h-clocks >> xpath=..")
    # Beyond the outlet's authority: the page says who may grant it, and cm escalates.
    take(page, "提出处理方案", {"处理方案": "补偿收益差额", "补偿金额": "3000"})
    assert "总行规范服务管理部门" in page.inner_text("#action-propose_resolution")
    shot(page, "readme-s2-03-beyond-the-outlet")
    take(page, "升级", {"原因": "补偿超出营业网点权限"})
    saved(page, "升级")
    assert "网点负责人 杨帆" in page.inner_text("#case-owner")

    # outlet_head escalates to head office.
    log_in(page, live_server, "outlet_head")
    open_case(page, live_server, case)
    take(page, "升级", {"原因": "请总行规范服务管理部门处理"})
    saved(page, "升级")
    assert "规范服务管理部 郑洁" in page.inner_text("#case-owner")
    shot(page, "readme-s2-04-at-head-office")

    # hq_service investigates: the bank is at fault (apology, correction, 整改 with its owner), then
    # proposes the compensation and replies by phone.
    log_in(page, live_server, "hq_service")
    open_case(page, live_server, case)
    take(page, "调查属实：我行应负责任", {
        "调查核实情况": "营业网点宣传材料夸大预期收益", "向客户道歉（由谁、何时、如何）": "网点负责人电话致歉",
        "纠正错误（处理方案）": "补偿收益差额", "整改措施": "网点理财宣传材料送总行重新审核",
        "整改完成期限": "2026-12-31"}, {"整改责任人": "网点负责人 杨帆"})
    saved(page, "调查属实：我行应负责任")
    shot(page, "readme-s2-05a-at-fault")
    take(page, "提出处理方案", {"处理方案": "补偿收益差额并致歉", "补偿金额": "3000"})
    saved(page, "提出处理方案")
    take(page, "答复客户", {"答复": "经核实，已补偿收益差额 3000 元，并就宣传不当致歉"}, {"答复方式": "电话"})
    saved(page, "答复客户")
    assert state(page) == "已答复"
    shot(page, "readme-s2-05-replied-by-head-office")

    # cm keeps tracking: the case is in her unit's list; she records the call-back.
    log_in(page, live_server, "cm")
    page.get_by_role("link", name=re.compile("本单位的")).click()
    assert case.number in page.inner_text("table")
    open_case(page, live_server, case)
    assert "已补偿收益差额" in page.inner_text("#case-body")
    take(page, "添加备注", {"备注": "已与总行确认补偿到账"})
    saved(page, "添加备注")
    take(page, "记录回访", {"备注": "客户表示满意"}, {"回访结果": "满意"})
    saved(page, "记录回访")
    assert state(page) == "已确认"
    assert action(page, "添加备注") and page.locator("#actions summary", has_text=exact("办结")).count() == 0
    assert "签字确认" in page.inner_text("#actions")  # why it cannot close yet
    shot(page, "readme-s2-06-called-back")

    # outlet_head signs off (签字确认) from the sign-off queue.
    log_in(page, live_server, "outlet_head")
    page.get_by_role("link", name="待签字确认").click()
    page.wait_for_url("**/staff/sign-off/")
    row = page.locator("tr", has=page.get_by_role("link", name=case.number))
    shot(page, "readme-s2-07-sign-off-queue")
    row.get_by_role("button", name="签字确认").click()
    page.wait_for_url("**/staff/sign-off/")
    assert page.get_by_role("link", name=case.number).count() == 0
    case.refresh_from_db()
    assert case.signed_off_by.username == "outlet_head"

    # cm closes.
    log_in(page, live_server, "cm")
    open_case(page, live_server, case)
    take(page, "办结", {"备注": "客户满意，网点负责人已签字确认"})
    saved(page, "办结")
    assert state(page) == "已办结"
    shot(page, "readme-s2-08-closed")

    case.refresh_from_db()
    assert (case.state, case.callback_result, case.owner.username, case.level) == (
        "closed", "satisfied", "hq_service", 3)
