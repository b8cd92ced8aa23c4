"""第七条: the administrator's daily monitoring log; a day without one is a missed duty found by
the worker. 第二十八条: the yearly ledger lists each unit's and person's entries by kind with the
consequences the preset names (通报, no 优秀 that year)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from tests.opinion.helpers import act, found
from tests.times import at
from tousu.cases.errors import InvalidInput, Refused
from tousu.org.models import PolicyVersion
from tousu.quality.duties import check_missed, record_monitoring, yearly_ledger
from tousu.quality.models import MissedDuty, MonitoringLog


@pytest.fixture
def since_november(opinion):
    PolicyVersion.objects.update(changed_at=at(2026, 11, 27, 15, 0))  # the rules came into force
    return opinion


def test_a_day_without_a_monitoring_log_is_a_missed_duty_once(since_november):
    o = since_november
    office = o.units["opinion_office"]
    with time_machine.travel(at(2026, 11, 28, 21, 0), tick=False):  # a Saturday: 每日 is every day
        record_monitoring(actor=o.yq_admin, unit=office, day=dt.date(2026, 11, 28),
                          searched="新浪微博、本地论坛、人民网留言板", findings="无涉分局负面舆情")
    with time_machine.travel(at(2026, 12, 1, 0, 5), tick=False):
        assert check_missed() == 2  # the 29th and the 30th
        assert check_missed() == 0  # the next round finds them recorded
    missed = MissedDuty.objects.order_by("day")
    assert [(m.day, m.unit, m.person, m.kind) for m in missed] == [
        (dt.date(2026, 11, 29), office, o.yq_admin, "missed_monitoring"),
        (dt.date(2026, 11, 30), office, o.yq_admin, "missed_monitoring")]


def test_the_worker_round_checks_the_duty(since_november):
    with time_machine.travel(at(2026, 11, 29, 8, 0), tick=False):
        call_command("worker", "--once")
    assert MissedDuty.objects.filter(day=dt.date(2026, 11, 28)).count() == 1


def test_only_the_administrator_keeps_the_log_once_a_day_and_not_ahead(since_november):
    o = since_november
    office = o.units["opinion_office"]
    with time_machine.travel(at(2026, 12, 1, 18, 0), tick=False):
        with pytest.raises(Refused):
            record_monitoring(actor=o.yq_office, unit=office, day=dt.date(2026, 12, 1), searched="微博")
        with pytest.raises(InvalidInput):
            record_monitoring(actor=o.yq_admin, unit=office, day=dt.date(2026, 12, 2), searched="微博")
        with pytest.raises(InvalidInput):
            record_monitoring(actor=o.yq_admin, unit=office, day=dt.date(2026, 12, 1), searched="  ")
        record_monitoring(actor=o.yq_admin, unit=office, day=dt.date(2026, 12, 1), searched="微博")
        with pytest.raises(Refused, match="already|已"):
            record_monitoring(actor=o.yq_admin, unit=office, day=dt.date(2026, 12, 1), searched="微博")
    assert MonitoringLog.objects.count() == 1


def test_the_monitoring_page_records_the_days_log(since_november, client):
    o = since_november
    client.force_login(o.yq_admin)
    with time_machine.travel(at(2026, 12, 1, 18, 0), tick=False):
        page = client.get("/quality/monitoring/")
        assert page.status_code == 200 and "searched" in page.content.decode()
        response = client.post("/quality/monitoring/", {
            "unit": o.units["opinion_office"].pk, "day": "2026-12-01", "searched": "抖音、微博",
            "findings": "发现一条涉路政执法帖文", "judgement": "三级", "warnings": "已提示路政大队"})
        assert response.status_code == 302
        again = client.post("/quality/monitoring/", {"unit": o.units["opinion_office"].pk, "day": "2026-12-01",
                                                      "searched": "抖音"})
        assert again.status_code == 400
    assert MonitoringLog.objects.get().findings == "发现一条涉路政执法帖文"
    client.force_login(o.yq_leader)
    page = client.get("/quality/monitoring/").content.decode()
    assert "抖音、微博" in page and 'name="searched"' not in page  # the leader reads, does not write


def test_the_yearly_ledger_shows_entries_and_their_consequences(since_november, client):
    o = since_november
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case = found(o, level=2)
        act("record_accountability", o.yq_leader, case, what="late_report", unit="road_admin", person="yq_road",
            note="迟报二级舆情")
        act("record_unapproved_release", o.yq_office, case, link="https://weibo.com/x/1", unit="road_admin",
            person="yq_road", note="擅自发布")
        check_missed()
    table = yearly_ledger(o.yq_leader, year=2026)
    road = next(r for r in table["units"] if r["name"] == "路政大队")
    assert {i["label"]: i["count"] for i in road["items"]} == {"迟报": 1, "未经批准擅自对外发布": 1}
    assert road["consequences"] == ["通报", "部门和当事人当年不得评为优秀等次"]
    office = next(r for r in table["units"] if r["name"] == "舆情处置工作领导小组办公室")
    assert office["items"][0]["label"] == "未开展每日监测" and office["consequences"] == ["通报"]
    assert yearly_ledger(o.yq_leader, year=2025)["units"] == []
    client.force_login(o.yq_leader)
    page = client.get("/quality/ledger/year/?year=2026").content.decode()
    assert "当年不得评为优秀等次" in page and "路政大队" in page
    client.force_login(o.yq_commentator)  # sees neither the cases nor the office's duties
    assert "路政大队" not in client.get("/quality/ledger/year/?year=2026").content.decode()
