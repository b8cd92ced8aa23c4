"""The procurement register: every complaint the reader may see with the deadlines it is under,
filterable by state, and the month's figures from the preset (accepted, refused, decided 成立 /
不成立 / 驳回, withdrawn, suspensions, average working days from receipt to decision)."""

from __future__ import annotations

import time_machine
from django.test import Client

from tests.cases.test_scenario_procurement import ITEMS, do, register
from tests.times import at


def decide(cg, case, result, when, clock):
    clock.move_to(when)
    do("draft_decision", cg.cg_handler, case, findings=["查明"] * 3, rulings=["成立", "不成立", "不成立"],
       ruling_basis=["依据"] * 3, result=result, decision="决定", reconsideration_body="某省人民政府",
       court="某法院")
    do("approve_decision", cg.cg_head, case)
    do("approve_decision", cg.cg_leader, case)


def accepted(cg, when, clock):
    clock.move_to(when)
    case = register(cg, when)
    do("enter_items", cg.cg_handler, case, items=ITEMS)
    do("accept", cg.cg_handler, case)
    return case


def page(user, query="") -> str:
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(user)
    response = client.get(f"/staff/register/procurement/{query}")
    assert response.status_code == 200
    return response.content.decode()


def figures(html: str) -> dict[str, str]:
    import re

    table = html[html.index('id="monthly-figures"'):]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table[:table.index("</table>")]))


def test_the_register_lists_deadlines_by_state_and_counts_the_month(cg):
    with time_machine.travel(at(2026, 2, 27, 10, 0), tick=False) as clock:
        late_feb = accepted(cg, at(2026, 2, 27, 10, 0), clock)  # received in February
        upheld = accepted(cg, at(2026, 3, 2, 10, 0), clock)
        clock.move_to(at(2026, 3, 3, 10, 0))
        refused = register(cg, at(2026, 3, 3, 10, 0))
        do("find_ineligible", cg.cg_handler, refused, reasons="超过投诉期限")
        clock.move_to(at(2026, 3, 5, 10, 0))
        do("refuse", cg.cg_handler, refused, reasons="超过投诉期限")
        withdrawn = accepted(cg, at(2026, 3, 4, 10, 0), clock)
        clock.move_to(at(2026, 3, 5, 11, 0))
        do("suspend_procurement", cg.cg_handler, withdrawn, reason="暂停")
        clock.move_to(at(2026, 3, 6, 10, 0))
        do("withdraw", cg.cg_handler, withdrawn, reason="撤回")
        # Received Friday 27 February 10:00 (Saturday 28th worked), decided Tuesday 10 March 10:00:
        # 8 working days. Received Monday 2 March 10:00, decided Friday 20 March 10:00: 14.
        decide(cg, late_feb, "dismiss", at(2026, 3, 10, 10, 0), clock)
        decide(cg, upheld, "upheld", at(2026, 3, 20, 10, 0), clock)
        clock.move_to(at(2026, 3, 23, 10, 0))
        waiting = register(cg, at(2026, 3, 23, 10, 0))

        html = page(cg.cg_handler, "?month=2026-03")
        assert all(case.number in html for case in (late_feb, upheld, refused, withdrawn, waiting))
        row = html[html.index(f'data-case="{waiting.number}"'):]
        row = row[:row.index("</tr>")]
        # The review (5 working days: 24-27, 30 March) and the decision (30 working days) it is under.
        assert "审查投诉书（收到后5个工作日内，第二十一条）: 2026-03-30" in row
        assert "作出处理决定（收到投诉后30个工作日内，第二十六条）: 2026-05-08" in row

        assert figures(html) == {
            "收到投诉": "4", "受理": "2", "不予受理": "1", "告知向有管辖权的部门投诉": "0",
            "作出处理决定：投诉事项成立": "1", "作出处理决定：投诉事项不成立": "0",
            "作出处理决定：驳回投诉": "1", "撤回": "1", "暂停采购活动": "1",
            "平均处理用时（收到投诉至作出决定，工作日）": "11.0",
        }
        assert figures(page(cg.cg_handler, "?month=2026-02"))["收到投诉"] == "1"

        only_refused = page(cg.cg_handler, "?state=refused&month=2026-03")
        assert refused.number in only_refused and upheld.number not in only_refused
        assert waiting.number not in only_refused


def test_the_register_shows_nothing_to_someone_outside_the_department(cg):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        case = register(cg, at(2026, 3, 2, 10, 0))
        html = page(cg.stranger)
        assert case.number not in html and figures(html)["收到投诉"] == "0"


def test_new_complaint_opens_the_first_channel_the_preset_has(cg):
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(cg.cg_handler)
    response = client.get("/staff/intake/")
    assert response.status_code == 302 and response["Location"] == "/staff/intake/letter/"
    page = client.get("/staff/intake/letter/").content.decode()
    assert "书面投诉（邮寄）" in page and "政府采购投诉登记簿" in page
