"""第三条 and 第八条-第十一条: the outlet's two registers, 客户意见簿 (the hall's book) and 意见登记簿
(verbal, letter and phone complaints), as pages and xlsx exports with the original's columns:
the complaint, its handling, the reply, how and when it was given, and who signed (签字确认).
The export is read back from the file."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from tests.browser import shot
from tests.times import at
from tousu.cases import actions


def handled(b, *, channel, phone, when, unit="outlet_wenyi", by="cm", sign=True, **extra):
    with time_machine.travel(when, tick=False):
        case = actions.register_case(actor=getattr(b, by), unit=b.units[unit], channel=channel, category="fees",
                                     complainant_name=extra.pop("name", "陈女士"), complainant_phone=phone, **extra)
        actions.accept_case(actor=case.owner, case_id=case.pk)
        actions.perform("find_not_at_fault", actor=case.owner, case_id=case.pk,
                        inputs={"findings": "按价目表收费", "explanation": "已说明收费标准"})
    with time_machine.travel(when + dt.timedelta(hours=2), tick=False):
        if phone:
            actions.perform("reply", actor=case.owner, case_id=case.pk, inputs={"text": "已电话说明", "method": "phone"})
        else:
            actions.perform("reply_in_book", actor=case.owner, case_id=case.pk, inputs={"text": "感谢意见，已说明"})
        if sign:
            actions.sign_off_case(actor=b.outlet_head, case_id=case.pk)
    return case


@pytest.fixture
def november(bank):
    book = handled(bank, channel="opinion_book", phone="", when=at(2026, 11, 3, 10, 0), name="匿名",
                   subject="排队太久", description="中午只开一个窗口")
    phone = handled(bank, channel="phone", phone="13900002222", when=at(2026, 11, 5, 9, 30),
                    subject="重复收费", description="转账扣了两次手续费", sign=False)
    walk_in = handled(bank, channel="walk_in", phone="13700001111", when=at(2026, 11, 20, 15, 0),
                      subject="态度生硬", description="柜员打断客户")
    handled(bank, channel="phone", phone="13600003333", when=at(2026, 10, 30, 9, 0),
            subject="上月的", description="不在十一月")
    handled(bank, channel="letter", phone="13500004444", when=at(2026, 11, 6, 9, 0), unit="outlet_gucui",
            by="gucui_teller", sign=False, subject="古翠路的", description="另一个网点")
    return {"book": book, "phone": phone, "walk_in": walk_in}


def test_the_register_page_lists_the_months_complaints_with_handling_and_signature(client, bank, november):
    client.force_login(bank.cm)
    page = client.get("/quality/registers/opinion_register/?month=2026-11").content.decode()
    assert "<h1>意见登记簿" in page
    for column in ("处理情况", "答复", "答复方式", "答复时间", "签字确认人"):
        assert column in page, column
    assert november["phone"].number in page and november["walk_in"].number in page
    assert november["book"].number not in page  # the opinion book is the other register
    assert "None" not in page  # an unsigned line leaves the signature empty
    assert "上月的" not in page and "古翠路的" not in page
    book = client.get("/quality/registers/opinion_book/?month=2026-11").content.decode()
    assert "<h1>客户意见簿" in book and november["book"].number in book and "意见簿上回复" in book
    assert client.get("/quality/registers/nonsense/").status_code == 404


def test_the_register_xlsx_holds_the_originals_columns(client, bank, november):
    client.force_login(bank.outlet_head)
    response = client.get("/quality/registers/opinion_register.xlsx?month=2026-11")
    assert response.status_code == 200 and "register-opinion_register-2026-11.xlsx" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).active
    assert ws["A1"].value.startswith("意见登记簿（2026-11）")
    header = [c.value for c in ws[2]]
    assert header[:6] == ["序号", "投诉编号", "登记时间", "投诉人", "联系方式", "投诉内容"]
    assert header[7:] == ["处理情况", "答复内容", "答复方式", "答复时间", "签字确认人", "签字时间", "状态"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert [r[1] for r in rows] == [november["phone"].number, november["walk_in"].number]
    phone, walk_in = rows
    assert phone[0] == 1 and isinstance(phone[0], int)
    assert phone[2] == dt.datetime(2026, 11, 5, 9, 30)
    assert phone[7] == "按价目表收费\n已说明收费标准"  # the finding, then the explanation given
    assert (phone[8], phone[9], phone[10]) == ("已电话说明", "电话", dt.datetime(2026, 11, 5, 11, 30))
    assert phone[11] in (None, "")  # not signed yet: the register shows the gap
    assert "杨帆" in walk_in[11]
    assert walk_in[12] == dt.datetime(2026, 11, 20, 17, 0)


def test_the_opinion_book_shows_replies_written_in_the_book(client, bank, november):
    client.force_login(bank.cm)
    ws = load_workbook(BytesIO(client.get("/quality/registers/opinion_book.xlsx?month=2026-11").content)).active
    [row] = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert row[1] == november["book"].number and row[8] == "感谢意见，已说明" and row[9] == "意见簿上回复"


def test_another_outlets_staff_do_not_see_this_outlets_lines(client, bank, november):
    client.force_login(bank.gucui_teller)
    page = client.get("/quality/registers/opinion_register/?month=2026-11").content.decode()
    assert "古翠路的" in page and november["phone"].number not in page


def test_the_register_page_in_a_browser(live_server, page, bank, november):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("cm")
    page.get_by_label("密码").fill("pw")
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/quality/registers/")
    page.get_by_role("link", name="意见登记簿").click()
    page.fill("#r-month", "2026-11")
    page.get_by_role("button", name="显示").click()
    page.wait_for_selector(f"text={november['walk_in'].number}")
    assert "已电话说明" in page.inner_text("#register")
    shot(page, "bank-register-opinion-register")
    with page.expect_download() as download:
        page.click("#register-xlsx")
    assert download.value.suggested_filename == "register-opinion_register-2026-11.xlsx"


def test_names_and_phones_are_masked_for_a_role_that_may_not_see_them(client, bank, november):
    from tousu.org.models import Role

    Role.objects.filter(code="staff").update(sees_personal_data=False)
    client.force_login(bank.teller)
    page = client.get("/quality/registers/opinion_register/?month=2026-11").content.decode()
    assert november["phone"].number in page
    assert "陈女士" not in page and "13900002222" not in page and "陈**" in page and "2222" in page
