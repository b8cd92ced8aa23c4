"""第九条: 投诉管理人应每日查阅客户意见簿. The bank's complaint manager has the daily check as a
task on the work list, records it on the daily-check page in the bank's own words, and a day
without it is a missed duty against the outlet and the manager in the ledger."""

import datetime as dt

import pytest
import time_machine

from tests.times import at
from tousu.cases.errors import Refused
from tousu.org.models import PolicyVersion
from tousu.quality.duties import check_missed, record_monitoring, yearly_ledger
from tousu.quality.models import MissedDuty


@pytest.fixture
def outlet(bank):
    PolicyVersion.objects.update(changed_at=at(2026, 11, 27, 15, 0))
    return bank


def test_a_day_without_the_opinion_book_check_is_in_the_ledger(outlet):
    wenyi = outlet.units["outlet_wenyi"]
    with time_machine.travel(at(2026, 11, 29, 17, 0), tick=False):  # a Sunday: 每日 is every day
        record_monitoring(actor=outlet.cm, unit=wenyi, day=dt.date(2026, 11, 29),
                          searched="第 12 页，新增 2 条", findings="一条反映排队时间长")
    with time_machine.travel(at(2026, 12, 1, 0, 5), tick=False):
        assert check_missed() == 2  # the 28th and the 30th
    assert sorted((m.day, m.unit, m.person, m.kind) for m in MissedDuty.objects.all()) == [
        (dt.date(2026, 11, 28), wenyi, outlet.cm, "missed_opinion_book_check"),
        (dt.date(2026, 11, 30), wenyi, outlet.cm, "missed_opinion_book_check")]
    ledger = yearly_ledger(outlet.outlet_head, year=2026)
    [row] = ledger["people"]
    assert row["items"] == [{"kind": "missed_opinion_book_check", "label": "未每日查阅客户意见簿", "count": 2}]


def test_only_the_complaint_manager_checks_the_book(outlet):
    with pytest.raises(Refused):
        record_monitoring(actor=outlet.teller, unit=outlet.units["outlet_wenyi"], day=dt.date(2026, 11, 30),
                          searched="第 12 页")


def test_the_check_is_the_complaint_managers_task_until_done(outlet, client):
    client.force_login(outlet.cm)
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        work = client.get("/staff/").content.decode()
        assert 'id="daily-duty-due"' in work and "每日查阅客户意见簿" in work and "文一路营业网点" in work
        page = client.get("/quality/monitoring/").content.decode()
        assert "<h1>每日查阅客户意见簿</h1>" in page
        assert "查阅情况（意见簿页码、条数）" in page and "新的意见和建议" in page
        assert "舆情" not in page
        response = client.post("/quality/monitoring/", {
            "unit": outlet.units["outlet_wenyi"].pk, "day": "2026-12-01", "searched": "第 13 页，新增 1 条",
            "findings": "客户反映跨行转账重复收费", "warnings": "已通知柜员张敏核实"})
        assert response.status_code == 302
        assert 'id="daily-duty-due"' not in client.get("/staff/").content.decode()
    client.force_login(outlet.teller)  # not the teller's task
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        assert 'id="daily-duty-due"' not in client.get("/staff/").content.decode()


def test_a_preset_with_a_wrongly_named_field_label_is_refused():
    from tousu.domain import duties

    class Problems(list):
        def add(self, path, text):
            self.append((path, text))

    problems = Problems()
    duties.read({"monitoring": {"role": "cm", "fields": {"searchd": "x"}}}, roles=("cm",), problems=problems)
    assert problems == [(("monitoring", "fields", "searchd"), "must be one of searched, findings, judgement, warnings")]
