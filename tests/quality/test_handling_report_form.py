"""The 《顾客投诉处理报告表》 downloaded from the handling report page as a filled xlsx and docx
form (issue 10): the case's facts, the report's content, and one signature line per step of the
chain with who decided it, their opinion and when; blank lines for the steps not yet decided."""

import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from tousu.quality import actions

from .helpers import at, closed

SIGN, OPINION, APPROVE, EXECUTE = ("处理报告表：部门负责人签认", "处理报告表：营销部加签意见", "处理报告表：总经室审批",
                                   "处理报告表：部门按批示执行")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def case(hotel):
    h = hotel
    case = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene",
                  place="1208 房", phone="13812345678")
    with time_machine.travel(at(2026, 5, 13, 10, 0), tick=False):
        actions.submit_handling_report(actor=h.frontdesk, case_id=case.pk, cause="部门无相关清洁规范",
                                       investigation="空调滤网未定期清洗；已换房致歉", recommendation_kind="standard",
                                       recommendation="《客房空调滤网清洗规范》")
    with time_machine.travel(at(2026, 5, 14, 9, 0), tick=False):
        actions.decide_handling_report(actor=h.fo_head, case_id=case.pk, note="同意")
    with time_machine.travel(at(2026, 5, 14, 15, 30), tick=False):
        actions.decide_handling_report(actor=h.marketing, case_id=case.pk, note="建议全店推广")
    return case


def download(client, user, case, fmt):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse(f"quality:report_{fmt}", args=[case.pk]))
    assert response.status_code == 200, response.status_code
    assert f"tousu-handling-report-{case.number}.{fmt}" in response["Content-Disposition"]
    return response.content


def xlsx_rows(content) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).active
    return [[v for v in row if v is not None] for row in ws.iter_rows(values_only=True)]


def test_the_xlsx_form_holds_the_facts_the_report_and_the_signatures_so_far(client, hotel, case):
    rows = xlsx_rows(download(client, hotel.fo_head, case, "xlsx"))
    assert rows[0] == ["《顾客投诉处理报告表》"]
    assert ["Case number", case.number] in rows
    assert ["Complainant", "张先生 13812345678"] in rows  # the head may see personal data
    assert ["Place", "1208 房"] in rows and ["Category", "卫生"] in rows
    assert ["Cause of the complaint", "部门无相关清洁规范"] in rows
    assert ["Investigation and result", "空调滤网未定期清洗；已换房致歉"] in rows
    assert ["Recommended", "standard document: 《客房空调滤网清洗规范》"] in rows
    assert ["Submitted by", "前台 王芳 · 2026-05-13 10:00"] in rows
    header = ["Step", "Decision", "Opinion / instructions", "Signed by", "Date"]
    start = rows.index(header)
    assert rows[start + 1] == [f"{SIGN} (前厅部)", "granted", "同意", "前厅部经理 李强", "2026-05-14 09:00"]
    assert rows[start + 2] == [OPINION, "granted", "建议全店推广", "营销部 吴静", "2026-05-14 15:30"]
    assert rows[start + 3] == [APPROVE] and rows[start + 4][0].startswith(EXECUTE)  # not yet decided: blank


def test_the_docx_form_and_a_reader_who_may_not_see_personal_data(client, hotel, case):
    doc = Document(io.BytesIO(download(client, hotel.marketing, case, "docx")))
    assert doc.paragraphs[0].text == "《顾客投诉处理报告表》"
    facts, signatures = ([[c.text for c in row.cells] for row in t.rows] for t in doc.tables)
    assert ["Complainant", "张** 138****5678"] in facts  # the marketing office: masked
    assert ["Cause of the complaint", "部门无相关清洁规范"] in facts
    assert signatures[0] == ["Step", "Decision", "Opinion / instructions", "Signed by", "Date"]
    assert signatures[2] == [OPINION, "granted", "建议全店推广", "营销部 吴静", "2026-05-14 15:30"]
    assert signatures[3] == [APPROVE, "", "", "", ""]
    assert not any("13812345678" in c for row in facts for c in row)


def test_the_last_step_fills_the_last_line(client, hotel, case):
    with time_machine.travel(at(2026, 5, 15, 9, 0), tick=False):
        actions.decide_handling_report(actor=hotel.gm_office, case_id=case.pk, note="同意，由前厅部牵头编写")
        actions.decide_handling_report(actor=hotel.fo_head, case_id=case.pk, note="规范已编写并培训")
    doc = Document(io.BytesIO(download(client, hotel.gm_office, case, "docx")))
    signatures = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert signatures[3] == [APPROVE, "granted", "同意，由前厅部牵头编写", "总经室 秘书 郑敏", "2026-05-15 09:00"]
    assert signatures[4][2:] == ["规范已编写并培训", "前厅部经理 李强", "2026-05-15 09:00"]


def test_no_report_no_file_and_a_stranger_finds_nothing(client, hotel):
    h = hotel
    bare = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0))
    client.force_login(h.fo_head)
    assert client.get(reverse("quality:report_xlsx", args=[bare.pk])).status_code == 404
    client.force_login(h.hk_head)  # another department's head does not see the case
    assert client.get(reverse("quality:report_docx", args=[bare.pk])).status_code == 404
