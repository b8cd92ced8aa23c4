"""A bank complaint manager's day in the browser: the daily check of the opinion book waits on
the work list until recorded; a complaint answered at the counter is registered and answered in
one step (当场答复) and then waits for the call-back and the outlet head's signature."""

from tests.browser import shot
from tests.web_ui.test_readme_walkthrough import exact, log_in
from tousu.cases.models import Case
from tousu.quality.models import MonitoringLog


def test_the_daily_check_and_an_answer_on_the_spot(live_server, page, bank):
    log_in(page, live_server, "cm")
    notice = page.locator("#daily-duty-due")
    assert "每日查阅客户意见簿" in notice.inner_text()
    shot(page, "bank-daily-check-due")
    notice.get_by_role("link", name="每日查阅客户意见簿").click()
    page.get_by_label(exact("查阅情况（意见簿页码、条数）")).fill("第 13 页，新增 1 条")
    page.get_by_label(exact("新的意见和建议")).fill("客户反映排队时间长")
    shot(page, "bank-daily-check-form")
    page.get_by_role("button", name="填写当日日志").click()
    page.wait_for_selector("#monitoring-logs >> text=第 13 页")
    assert MonitoringLog.objects.get().recorded_by == bank.cm
    page.goto(live_server.url + "/staff/")
    assert page.locator("#daily-duty-due").count() == 0

    page.goto(live_server.url + "/staff/intake/walk_in/")
    form = page.locator("#intake-form")
    for label, value in {"主题": "询问转账到账时间", "事情经过": "客户质疑跨行转账未到账", "投诉人": "王先生",
                         "电话": "13700001111", "当场答复": "已当场查询，款项已于今日 10:05 到账，客户表示理解"}.items():
        form.get_by_label(exact(label)).fill(value)
    form.get_by_label(exact("类别")).select_option(label="账户业务")
    page.get_by_role("button", name="向客户复述").click()
    page.wait_for_selector("#read-back")
    assert "已当场查询" in page.inner_text("#read-back")
    page.get_by_role("button", name="客户已确认：登记").click()
    page.wait_for_url("**/staff/cases/*/")
    assert page.inner_text("#case-state").strip() == "已答复"
    shot(page, "bank-answered-on-the-spot")
    case = Case.objects.get()
    assert case.reply.startswith("已当场查询") and case.data["reply_method"] == "in_person"
    assert page.locator("#actions summary", has_text=exact("记录回访")).count() == 1
