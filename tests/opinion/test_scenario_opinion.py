"""An online opinion item through each level's path (the original text 七, preset `opinion`):
level 1's fast report reaching the leaders' DingTalk robot within 30 minutes of discovery, at
23:50 on a public holiday, and its written report within an hour; a bulletin signed or not at
level 2; a level 3 item handled by the department, its missed deadline raising it to level 2;
statements released only once approved at the item's level; the ledger entries."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from tests.opinion.helpers import act, found
from tests.times import at
from tousu.cases.errors import InvalidInput, Refused
from tousu.cases.models import Case, CaseDocument, Clock, Lateness
from tousu.cases.sweep import sweep
from tousu.notify.delivery import deliver_due
from tousu.notify.models import Notification
from tousu.org.services import work_calendar
from tousu.quality.models import LibraryEntry

HOLIDAY_NIGHT = at(2026, 10, 1, 23, 50)  # 国庆节, a statutory holiday


def test_level_1_found_at_2350_on_a_holiday_reaches_the_robot_within_30_minutes(opinion, dingtalk):
    o = opinion
    assert not work_calendar().is_workday(HOLIDAY_NIGHT.date())
    with time_machine.travel(HOLIDAY_NIGHT, tick=False) as clock:
        case = found(o, level=1, subject="央媒报道某路段塌方致车辆受损")
        fast = Clock.objects.get(case=case, name="fast_report")
        written = Clock.objects.get(case=case, name="written_report")
        assert fast.due_at == at(2026, 10, 2, 0, 20)  # 30 minutes, holiday or not
        assert written.due_at == at(2026, 10, 2, 0, 50)

        clock.move_to(at(2026, 10, 2, 0, 5))
        act("record_item", o.yq_admin, case, link="https://weibo.com/1234567890/Abcd", source_site="新浪微博",
            author="路过的司机", reads="120000", reposts="3400", comments="860")
        act("fast_report", o.yq_admin, case, text="【一级舆情】央媒报道某路段塌方，阅读12万，已派员核实。")
        assert Clock.objects.get(pk=fast.pk).state == Clock.STOPPED
        row = Notification.objects.get(case=case, channel="robot")
        assert row.state == Notification.PENDING  # queued in the action's transaction

        clock.move_to(at(2026, 10, 2, 0, 5, 10))  # the worker's next round
        call_command("worker", "--once")
        row.refresh_from_db()
        assert row.state == Notification.SENT
        [got] = dingtalk.received
        assert not dingtalk.refused  # the receiver checked the timestamp and sign parameters
        assert "央媒报道某路段塌方" in got["body"]["text"]["content"]
        assert case.number in got["body"]["text"]["content"]
        assert dt.datetime.fromtimestamp(got["at"], dt.UTC) <= fast.due_at

        clock.move_to(at(2026, 10, 2, 0, 40))
        act("written_report", o.yq_admin, case, text="经核实，塌方系连续降雨所致，已封闭半幅，无人员伤亡。")
        assert Clock.objects.get(pk=written.pk).state == Clock.STOPPED
        document = CaseDocument.objects.get(case=case, name="written_report")
        assert document.title.startswith("网络舆情纸质快报")
        clock.move_to(at(2026, 10, 2, 1, 30))
        assert sweep()["breached"] == 0
    assert not Lateness.objects.filter(case=case).exists()


def test_a_late_fast_report_is_a_late_report_in_the_ledger(opinion, dingtalk):
    o = opinion
    with time_machine.travel(HOLIDAY_NIGHT, tick=False) as clock:
        case = found(o, level=1)
        clock.move_to(at(2026, 10, 2, 0, 21))
        assert sweep()["breached"] == 1
        kinds = set(Lateness.objects.filter(case=case).values_list("kind", flat=True))
        assert kinds == {"clock_breach", "late_report"}
        late = Lateness.objects.get(case=case, kind="late_report")
        assert (late.unit.code, late.person) == ("opinion_office", o.yq_admin)


def test_a_level_3_item_raised_to_level_1_starts_the_30_minute_clock(opinion):
    o = opinion
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case = found(o, level=3)
        assert not Clock.objects.filter(case=case, name="fast_report").exists()
        act("grade", o.yq_office, case, level="1", decided_by="city_net", reason="国内门户网站转载，关注度激增")
        fast = Clock.objects.get(case=case, name="fast_report")
        assert fast.due_at == at(2026, 12, 1, 9, 30)
        assert list(Case.objects.get(pk=case.pk).events.values_list("action", flat=True)) == ["register", "grade"]


def test_level_3_department_handles_reports_back_and_a_missed_deadline_raises_the_level(opinion):
    o = opinion
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False) as clock:
        case = found(o, level=3)
        act("grade", o.yq_office, case, level="3", decided_by="leading_group", reason="一般民生诉求")
        act("assign_department", o.yq_office, case, unit="maintenance", plan="核实路面情况，三日内修复并网上回复",
            due=at(2026, 12, 3, 17, 0).isoformat())
        case = Case.objects.get(pk=case.pk)
        assert (case.state, case.handling_unit.code, case.owner) == ("assigned", "maintenance", o.yq_dept)
        with pytest.raises(InvalidInput, match="http"):
            act("report_back", o.yq_dept, case, result="已修复", feedback_link="weibo回复了")
        act("report_back", o.yq_dept, case, result="已于12月2日完成坑槽修补",
            feedback_link="https://weibo.com/1234567890/Reply1")
        case = Case.objects.get(pk=case.pk)
        assert case.state == "reported_back" and case.data["feedback_link"].endswith("Reply1")
        act("close", o.yq_office, case, note="办结")
        assert Case.objects.get(pk=case.pk).state == "closed"

        other = found(o, level=3, subject="网友反映路灯不亮")
        act("grade", o.yq_office, other, level="3", decided_by="leading_group", reason="一般诉求")
        act("assign_department", o.yq_office, other, unit="road_admin", plan="核实处理",
            due=at(2026, 12, 2, 12, 0).isoformat())
        clock.move_to(at(2026, 12, 2, 12, 1))
        assert sweep()["breached"] == 1
        other = Case.objects.get(pk=other.pk)
        assert other.severity == 2  # 三级 mishandled becomes 二级 (第三条)
        assert Lateness.objects.filter(case=other, unit__code="road_admin", person=o.yq_road).exists()


def test_level_2_bulletin_signed_or_monitored_daily(opinion):
    o = opinion
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False) as clock:
        signed = found(o, level=2, subject="省内媒体报道收费站排长队")
        act("grade", o.yq_office, signed, level="2", decided_by="city_bureau", reason="省内媒体关注")
        act("send_bulletin", o.yq_office, signed, text="建议协调增开车道")
        assert CaseDocument.objects.get(case=signed, name="bulletin").title.startswith("《网上舆情》")
        act("sign_bulletin", o.yq_leader, signed, instruction="请分局立即协调增开车道并回应关切")
        assert Case.objects.get(pk=signed.pk).state == "instructed"

        unsigned = found(o, level=2, subject="论坛热帖质疑路政执法")
        act("grade", o.yq_office, unsigned, level="2", decided_by="city_bureau", reason="热帖")
        act("send_bulletin", o.yq_office, unsigned, text="建议持续关注")
        with pytest.raises(Refused):  # only the leading group signs
            act("sign_bulletin", o.yq_office, unsigned, instruction="x")
        act("not_signed", o.yq_office, unsigned, note="督促持续监测")
        daily = Clock.objects.get(case=unsigned, name="daily_update", state=Clock.RUNNING)
        clock.move_to(at(2026, 12, 2, 10, 0))
        act("daily_update", o.yq_admin, unsigned, text="热度下降", reads="5000")
        assert Clock.objects.get(pk=daily.pk).state == Clock.STOPPED
        assert Clock.objects.get(case=unsigned, name="daily_update", state=Clock.RUNNING).due_at > daily.due_at
        clock.move_to(at(2026, 12, 5, 0, 1))  # no update for two days
        sweep()
        assert Lateness.objects.filter(case=unsigned, kind="missed_report").exists()

        with pytest.raises(Refused, match="总结"):
            act("close", o.yq_office, signed, note="x")  # level 2 closes only with a summary
        act("close_major", o.yq_office, signed, title="收费站拥堵舆情处置", summary="及时增开车道并发布回应",
            lessons="节假日前预判车流")
        assert LibraryEntry.objects.get(case=signed).title == "收费站拥堵舆情处置"
        assert Case.objects.get(pk=signed.pk).state == "closed"


def test_statements_are_approved_by_level_before_release(opinion):
    o = opinion
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case = found(o, level=1)
        act("grade", o.yq_office, case, level="1", decided_by="city_net", reason="央媒关注")
        act("draft_statement", o.yq_spokes, case, text="统一口径：塌方系降雨所致，无人员伤亡，正在抢修。")
        with pytest.raises(Refused, match="未经审核批准"):
            act("release_statement", o.yq_spokes, case, link="https://weibo.com/official/1")
        with pytest.raises(Refused):  # level 1: the office is not a step of the chain
            act("approve_statement", o.yq_office, case)
        act("approve_statement", o.yq_taskforce, case)
        with pytest.raises(Refused, match="未经审核批准"):  # the leading group has not decided yet
            act("release_statement", o.yq_spokes, case, link="https://weibo.com/official/1")
        act("approve_statement", o.yq_leader, case)
        act("release_statement", o.yq_spokes, case, link="https://weibo.com/official/1")
        assert Case.objects.get(pk=case.pk).data["statement_link"] == "https://weibo.com/official/1"

        level3 = found(o, level=3)
        act("grade", o.yq_office, level3, level="3", decided_by="leading_group", reason="一般")
        act("assign_department", o.yq_office, level3, unit="maintenance", plan="处理",
            due=at(2026, 12, 5, 17, 0).isoformat())
        act("draft_statement", o.yq_dept, level3, text="感谢关注，已安排修复。")
        act("approve_statement", o.yq_dept, level3)  # level 3: the department's own head approves
        act("release_statement", o.yq_dept, level3, link="https://weibo.com/official/2")


def test_an_unapproved_release_and_other_failings_are_ledger_entries(opinion):
    o = opinion
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case = found(o, level=2)
        act("record_unapproved_release", o.yq_office, case, link="https://weibo.com/x/1", unit="road_admin",
            person="yq_road", note="路政大队未经审核在微博发布回应")
        act("record_accountability", o.yq_leader, case, what="concealed_report", unit="maintenance",
            person="yq_dept", note="隐瞒舆情未报")
        with pytest.raises(InvalidInput, match="问题"):
            act("record_accountability", o.yq_leader, case, what="rumour", unit="maintenance", person="yq_dept",
                note="x")
    entries = {(e.kind, e.unit.code, e.person.username) for e in Lateness.objects.filter(case=case)}
    assert entries == {("unapproved_release", "road_admin", "yq_road"),
                       ("concealed_report", "maintenance", "yq_dept")}


def test_bad_input_is_refused_with_a_clear_message(opinion):
    o = opinion
    with pytest.raises(InvalidInput, match="三级（一般）、二级（严重）、一级（重大）"):
        found(o, level=4)
    case = found(o, level=3)
    with pytest.raises(InvalidInput, match="http:// 或 https://|http:// or https://"):
        act("record_item", o.yq_admin, case, link="javascript:alert(1)")
    with pytest.raises(InvalidInput, match="舆情级别"):
        act("grade", o.yq_office, case, level="0", decided_by="city_net", reason="x")
    with pytest.raises(InvalidInput, match="阅读量"):
        act("record_item", o.yq_admin, case, link="https://bbs.example.cn/t/1", reads="-5")
    assert Case.objects.get(pk=case.pk).events.count() == 1  # nothing written


def test_a_robot_answering_an_error_shows_on_the_case_page_as_not_yet_delivered(opinion, dingtalk, client):
    o = opinion
    dingtalk.secret = "SECanother-secret"  # the robot's 加签 was changed and nobody told us
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case = found(o, level=1)
        act("fast_report", o.yq_admin, case, text="【一级舆情】快报")
        assert deliver_due() == 0
    row = Notification.objects.get(case=case, channel="robot")
    assert row.state == Notification.PENDING and "310000" in row.last_error
    client.force_login(o.yq_leader)
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-state="pending"' in page and "not yet delivered" in page and "sign not match" in page


def test_a_fast_report_without_a_robot_set_up_is_refused(opinion):
    o = opinion
    case = found(o, level=1)
    with pytest.raises(Refused, match="robot|机器人"):
        act("fast_report", o.yq_admin, case, text="快报")
    assert not Notification.objects.filter(channel="robot").exists()


def test_the_opinion_demo(db, capsys):
    from tousu.cases.events import verify_all

    call_command("demo", preset="opinion", setup_only=True)
    cases = Case.objects.filter(kind="opinion")
    assert cases.count() == 5
    assert {"closed", "watching", "assigned", "found"} <= set(cases.values_list("state", flat=True))
    assert LibraryEntry.objects.count() == 1
    assert Notification.objects.filter(channel="robot").count() == 1  # the fast report, to the demo robot
    assert list(verify_all()) == []
    assert "yq_admin" in capsys.readouterr().out
