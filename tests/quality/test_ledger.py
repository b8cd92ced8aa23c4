"""The accountability ledger on a fixture month (May 2026): breached clocks and missed
call-backs per unit and per person, hand-counted."""

import time_machine

from tousu.cases import actions
from tousu.cases.sweep import sweep
from tousu.quality.selectors import Month, ledger

from .helpers import SH, at, complaint, replied

MAY = Month(2026, 5)


def table(rows):
    return {r["name"]: (r["breached"], r["missed_callbacks"], r["total"]) for r in rows}


def test_ledger_counts_for_a_month(hotel):
    h = hotel
    fo, hk = h.units["front_office"], h.units["housekeeping"]

    # After-stay (消费后) complaints go to the department head at registration, who handles them
    # (text 五 六、一)2、): the ledger's people are the heads.
    # A breached clock in May: an after-stay complaint accepted Tuesday 12 May, three working days.
    late = complaint(h.frontdesk, fo, at(2026, 5, 12, 9, 0), category="billing")
    with time_machine.travel(at(2026, 5, 12, 9, 5), tick=False):
        actions.accept_case(actor=h.fo_head, case_id=late.pk)
    assert sweep(now=at(2026, 5, 18, 10, 0))["breached"] == 1  # recorded against front office, fo_head
    # A clock breached in June belongs to June.
    june = complaint(h.hk_staff, hk, at(2026, 5, 29, 9, 0), category="hygiene")
    with time_machine.travel(at(2026, 5, 29, 9, 5), tick=False):
        actions.accept_case(actor=h.hk_head, case_id=june.pk)
    assert sweep(now=at(2026, 6, 5, 10, 0))["breached"] == 1

    # Call-backs, due within 3 days of the reply.
    replied(h.frontdesk, fo, at(2026, 5, 20, 10, 0))  # never called back: missed
    called = replied(h.frontdesk, fo, at(2026, 5, 21, 10, 0))
    with time_machine.travel(at(2026, 5, 22, 10, 0), tick=False):  # in time
        actions.record_callback(actor=h.fo_head, case_id=called.pk, result="satisfied")
    slow = replied(h.hk_staff, hk, at(2026, 5, 5, 10, 0))
    with time_machine.travel(at(2026, 5, 10, 10, 0), tick=False):  # five days: too late
        actions.record_callback(actor=h.hk_head, case_id=slow.pk, result="satisfied")
    replied(h.hk_staff, hk, at(2026, 5, 30, 23, 0))  # due 2 June
    replied(h.hk_staff, hk, at(2026, 6, 1, 9, 0))  # answered in June: not May's

    early = ledger(h.gm, month=MAY, tz=SH, due_days=3, now=at(2026, 6, 1, 12, 0))
    assert table(early["units"]) == {"前厅部": (1, 1, 2), "客房部": (0, 1, 1)}

    figures = ledger(h.gm, month=MAY, tz=SH, due_days=3, now=at(2026, 6, 10, 12, 0))
    assert table(figures["units"]) == {"前厅部": (1, 1, 2), "客房部": (0, 2, 2)}
    assert table(figures["people"]) == {"前厅部经理 李强": (1, 1, 2), "客房部经理 陈刚": (0, 2, 2)}
    assert figures["units"][0]["total"] >= figures["units"][-1]["total"]

    june_figures = ledger(h.gm, month=Month(2026, 6), tz=SH, due_days=3, now=at(2026, 6, 10, 12, 0))
    assert table(june_figures["units"]) == {"客房部": (1, 1, 2)}

    # The front office head sees only what touches the front office.
    assert table(ledger(h.fo_head, month=MAY, tz=SH, due_days=3, now=at(2026, 6, 10, 12, 0))["units"]) == {
        "前厅部": (1, 1, 2)}


def test_month_parsing_and_bounds():
    assert Month.parse("2026-5") == MAY and MAY.code == "2026-05"
    assert MAY.bounds(SH) == (at(2026, 5, 1), at(2026, 6, 1))
    assert Month(2026, 12).next() == Month(2027, 1) and Month(2026, 1).previous() == Month(2025, 12)


def test_a_sanction_is_counted_under_its_own_kind_not_as_a_breached_deadline(client, hotel):
    """A sanction (处罚, text 一) enters the ledger against the employee; the month's table counts it
    in its own column, labelled as the preset names it, and the breached deadlines stay breaches."""
    from io import BytesIO

    from openpyxl import load_workbook

    h = hotel
    hk = h.units["housekeeping"]
    late = complaint(h.hk_staff, hk, at(2026, 5, 12, 9, 0), category="hygiene", stage="during")  # hers to handle
    with time_machine.travel(at(2026, 5, 12, 9, 5), tick=False):
        actions.accept_case(actor=h.hk_staff, case_id=late.pk)
    assert sweep(now=at(2026, 5, 18, 10, 0))["breached"] == 1  # against housekeeping, hk_staff
    sanctioned = complaint(h.hk_head, hk, at(2026, 5, 20, 9, 0), category="hygiene")
    with time_machine.travel(at(2026, 5, 20, 9, 30), tick=False):
        actions.accept_case(actor=h.hk_head, case_id=sanctioned.pk)
        actions.propose_resolution(actor=h.hk_head, case_id=sanctioned.pk, resolution="重新打扫并致歉")
        actions.perform("record_sanction", actor=h.hk_head, case_id=sanctioned.pk, inputs={
            "employee": h.hk_staff.username, "sanction": "扣当月绩效"})

    figures = ledger(h.gm, month=MAY, tz=SH, due_days=3, now=at(2026, 5, 21, 12, 0))
    assert figures["kinds"] == [("sanction", "处罚")]
    people = {r["name"]: (r["breached"], r["others"], r["total"]) for r in figures["people"]}
    assert people["客房服务员 赵敏"] == (1, [1], 2)
    units = {r["name"]: (r["breached"], r["others"], r["total"]) for r in figures["units"]}
    assert units["客房部"][:2] == (1, [1])

    client.force_login(h.gm)
    with time_machine.travel(at(2026, 5, 21, 12, 0), tick=False):
        page = client.get("/quality/ledger/?month=2026-05").content.decode()
        book = load_workbook(BytesIO(client.get("/quality/ledger.xlsx?month=2026-05").content))
    people_table = page.split('id="ledger-people"')[1].split("</table>")[0]
    assert '<th scope="col" data-kind="sanction">处罚</th>' in people_table
    assert "<td>客房服务员 赵敏</td><td>1</td><td>0</td><td>1</td><td>2</td>" in people_table
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[0][3] == "处罚"
    assert ("客房服务员 赵敏", 1, 0, 1, 2) in rows
