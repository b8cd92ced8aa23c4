"""The hotline's monthly ranking of districts and departments (响应率, 解决率, 满意率), written
as an .xlsx and read back."""

from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from tests.times import at
from tousu.cases import actions


def handled(h, unit, handler, *, contact=True, reply=True, callback=None, subject="路灯不亮"):
    case = actions.register_case(actor=h.operator1, unit=h.units["centre"], channel="phone", subject=subject,
                                 description=subject, complainant_name="市民", category="public_facilities")
    actions.perform("dispatch", actor=h.dispatcher, case_id=case.pk, inputs={"unit": h.units[unit]})
    if contact:
        actions.perform("contact", actor=handler, case_id=case.pk, inputs={"note": "已联系"})
    if reply:
        actions.perform("reply", actor=handler, case_id=case.pk, inputs={"text": "已修复"})
    if callback:
        actions.perform("record_callback", actor=h.dispatcher, case_id=case.pk, inputs={"result": callback})
    return case


def test_the_monthly_ranking_is_an_xlsx_with_each_units_three_rates(hotline, tmp_path):
    h = hotline
    with time_machine.travel(at(2026, 10, 12, 9, 0), tick=False):
        # 东城区: 3 cases, all contacted, 2 closed satisfied, 1 dissatisfied (back in handling)
        handled(h, "dongcheng", h.dc_handler, callback="satisfied")
        handled(h, "dongcheng", h.dc_handler, callback="satisfied")
        handled(h, "dongcheng", h.dc_handler, callback="dissatisfied")
        # 西城区: 2 cases, both closed satisfied
        handled(h, "xicheng", h.xc_handler, callback="satisfied")
        handled(h, "xicheng", h.xc_handler, callback="basically_satisfied")
        # 市住建委: 2 cases, one never contacted, the other replied and not called back yet
        handled(h, "housing_dept", h.hd_handler, contact=False, reply=False)
        handled(h, "housing_dept", h.hd_handler)
    # a November case does not count in October
    with time_machine.travel(at(2026, 11, 1, 0, 30), tick=False):
        handled(h, "housing_dept", h.hd_handler, callback="satisfied")
    path = tmp_path / "ranking.xlsx"
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False), translation.override("en"):
        call_command("ranking", "--month", "2026-10", "--out", str(path), stdout=StringIO())
    sheet = load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert sheet.cell(2, 4).value == "Response rate"
    by_unit = {r[1]: r for r in rows}
    assert by_unit["西城区"] == [1, "西城区", 2, 1.0, 1.0, 1.0]
    assert by_unit["东城区"] == [2, "东城区", 3, 1.0, round(2 / 3, 4), round(2 / 3, 4)]
    # no verdict yet: ranked last; one of two contacted
    assert by_unit["市住房城乡建设委"] == [3, "市住房城乡建设委", 2, 0.5, 0.0, None]
    assert by_unit["市交通委"] == [4, "市交通委", 0, None, None, None]
    assert "12345市民服务热线中心" not in by_unit  # the centre is not ranked
