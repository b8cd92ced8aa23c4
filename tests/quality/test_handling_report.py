"""《顾客投诉处理报告表》: the hotel's chain (hotel.toml `handling_report`): the department head
signs -> marketing's opinion -> the GM office approves -> the department carries it out. The
chain keeps the order, each step is its holder's, each decision an event on the case's chain
with its text kept on the step, and each step's time a clock. Another preset's chain runs with
no Python change."""

from types import SimpleNamespace

import pytest
import time_machine
from django.utils import translation

from tousu.cases import actions as case_actions
from tousu.cases.errors import InvalidInput, NotFound, Refused
from tousu.cases.events import verify_case
from tousu.cases.models import CaseApproval, Clock, Lateness
from tousu.cases.sweep import sweep
from tousu.org.models import Unit
from tousu.org.services import apply_preset, create_preset_people
from tousu.quality import actions
from tousu.quality.models import HandlingReport

from .helpers import actions_of, at, closed, complaint, fresh, replied

SIGN, OPINION, APPROVE, EXECUTE = ("处理报告表：部门负责人签认", "处理报告表：营销部加签意见", "处理报告表：总经室审批",
                                   "处理报告表：部门按批示执行")
SUBMIT, DECIDE = "handling_report_submit", "handling_report_decide"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def submit(actor, case, when=None):
    with time_machine.travel(when or at(2026, 5, 13, 10, 0), tick=False):
        return actions.submit_handling_report(
            actor=actor, case_id=case.pk, cause="客人投诉房间有异味，部门无相关清洁规范",
            investigation="查明空调滤网未定期清洗；已为客人换房并致歉",
            recommendation_kind="standard", recommendation="《客房空调滤网清洗规范》")


def decide(actor, case, note="同意", when=None):
    with time_machine.travel(when or at(2026, 5, 14, 9, 0), tick=False):
        actions.decide_handling_report(actor=actor, case_id=case.pk, note=note)


@pytest.fixture
def case(hotel):
    h = hotel
    return closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")


def steps(case) -> list[tuple]:
    """(label, state, who decided, their text) of each step, in order."""
    rows = CaseApproval.objects.filter(case=case, chain="handling_report").order_by("round", "position")
    return [(r.label, r.state, r.decided_by.username if r.decided_by else "", r.note) for r in rows]


def states(case) -> list[str]:
    return [state for _label, state, _who, _note in steps(case)]


def clock_states(case) -> dict:
    return dict(Clock.objects.filter(case=case, name__startswith="approval:handling_report").values_list(
        "name", "state"))


def test_the_whole_chain_each_step_an_event_with_its_clock(hotel, case):
    h = hotel
    before = actions_of(case)
    submit(h.frontdesk, case)
    assert states(case) == ["pending", "waiting", "waiting", "waiting"]
    assert clock_states(case) == {"approval:handling_report:1": Clock.RUNNING}
    # Two working days: submitted Wednesday 13 May, due at the end of Friday 15 May.
    clock = Clock.objects.get(case=case, name="approval:handling_report:1")
    assert (clock.due_at, clock.label) == (at(2026, 5, 16, 0, 0), SIGN)

    decide(h.fo_head, case, "同意", when=at(2026, 5, 14, 9, 0))
    decide(h.marketing, case, "建议全店推广", when=at(2026, 5, 14, 9, 0))
    assert clock_states(case) == {"approval:handling_report:1": Clock.STOPPED,
                                  "approval:handling_report:2": Clock.STOPPED,
                                  "approval:handling_report:3": Clock.RUNNING}
    decide(h.gm_office, case, "同意，由前厅部牵头编写", when=at(2026, 5, 15, 9, 0))
    decide(h.fo_head, case, "规范已编写并培训", when=at(2026, 5, 15, 9, 0))

    assert steps(case) == [(SIGN, "granted", "fo_head", "同意"), (OPINION, "granted", "marketing", "建议全店推广"),
                           (APPROVE, "granted", "gm_office", "同意，由前厅部牵头编写"),
                           (EXECUTE, "granted", "fo_head", "规范已编写并培训")]
    assert CaseApproval.objects.get(case=case, position=3).decided_at == at(2026, 5, 15, 9, 0)
    assert actions_of(case) == before + [SUBMIT] + [DECIDE] * 4
    assert set(clock_states(case).values()) == {Clock.STOPPED}
    case = fresh(case)
    assert case.state == "closed"  # the report does not reopen or move the case
    assert verify_case(case) is None
    notes = list(case.events.filter(action__startswith="handling_report").values_list("actor__username", "note"))
    assert notes == [("frontdesk", "standard document: 《客房空调滤网清洗规范》"), ("fo_head", "同意"),
                     ("marketing", "建议全店推广"), ("gm_office", "同意，由前厅部牵头编写"),
                     ("fo_head", "规范已编写并培训")]


def test_the_chain_keeps_the_order(hotel, case):
    h = hotel
    with pytest.raises(Refused, match="no handling report"):
        decide(h.fo_head, case)
    submit(h.frontdesk, case)
    for person in (h.marketing, h.gm_office):  # ahead of their turn: the step is named
        with pytest.raises(Refused, match=f"{SIGN}.*前厅部"):
            decide(person, case)
    decide(h.fo_head, case)
    with pytest.raises(Refused, match=OPINION):
        decide(h.gm_office, case)
    with pytest.raises(Refused, match=OPINION):  # the head's next step is not yet
        decide(h.fo_head, case)
    with pytest.raises(Refused, match="already has a handling report"):
        submit(h.frontdesk, case)
    assert states(case) == ["granted", "pending", "waiting", "waiting"]
    assert actions_of(case)[-2:] == [SUBMIT, DECIDE]
    assert verify_case(fresh(case)) is None


def test_each_step_is_its_holders_alone(hotel, case):
    h = hotel
    with pytest.raises(Refused, match="right"):
        submit(h.marketing, case)  # marketing comments; it does not write the report
    submit(h.frontdesk, case)
    with pytest.raises(NotFound):  # another department's head does not even see the case
        decide(h.hk_head, case)
    for holder, label, others in ((h.fo_head, SIGN, (h.frontdesk, h.marketing, h.gm_office, h.gm)),
                                  (h.marketing, OPINION, (h.fo_head, h.gm_office, h.gm)),
                                  (h.gm_office, APPROVE, (h.fo_head, h.marketing, h.gm, h.deputy)),
                                  (h.fo_head, EXECUTE, (h.frontdesk, h.marketing, h.gm_office))):
        for person in others:
            with pytest.raises(Refused, match=label):
                decide(person, case)
        decide(holder, case)
    assert states(case) == ["granted"] * 4
    assert actions_of(case)[-5:] == [SUBMIT] + [DECIDE] * 4


def test_the_department_that_handled_it_signs_not_the_one_that_received_it(hotel):
    """A complaint transferred to housekeeping: the front office head received it, yet only the
    housekeeping head signs its report and carries it out."""
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = complaint(h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")
        case_actions.accept_case(actor=h.fo_head, case_id=case.pk)
        case_actions.transfer_case(actor=h.fo_head, case_id=case.pk, unit=h.units["housekeeping"], plan="重新打扫")
        case_actions.agree_plan(actor=h.hk_head, case_id=case.pk)
        case_actions.propose_resolution(actor=h.hk_head, case_id=case.pk, resolution="重新打扫")
        case_actions.reply_case(actor=h.hk_head, case_id=case.pk, text="已打扫")
        case_actions.record_callback(actor=h.hk_head, case_id=case.pk, result="satisfied")
    submit(h.hk_head, case)
    with pytest.raises(Refused, match="客房部"):
        decide(h.fo_head, case)
    decide(h.hk_head, case)
    decide(h.marketing, case)
    decide(h.gm_office, case)
    for person in (h.frontdesk, h.fo_head, h.hk_staff):
        with pytest.raises(Refused, match=f"{EXECUTE}.*客房部"):
            decide(person, case, "已执行")
    decide(h.hk_head, case, "已执行")
    assert steps(case)[-1] == (EXECUTE, "granted", "hk_head", "已执行")
    assert verify_case(fresh(case)) is None


def test_only_a_handled_case_gets_a_report_and_input_is_checked(hotel):
    h = hotel
    case = complaint(h.frontdesk, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")
    with pytest.raises(Refused, match="not possible now"):
        submit(h.frontdesk, case)
    case = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0))
    with pytest.raises(InvalidInput) as bad:
        actions.submit_handling_report(actor=h.frontdesk, case_id=case.pk, cause="原因", investigation="调查",
                                       recommendation_kind="memo", recommendation="x")
    assert bad.value.field == "recommendation_kind"
    with pytest.raises(InvalidInput) as bad:
        actions.submit_handling_report(actor=h.frontdesk, case_id=case.pk, cause=" ", investigation="调查",
                                       recommendation_kind="training", recommendation="x")
    assert bad.value.field == "cause"
    assert not HandlingReport.objects.exists() and not CaseApproval.objects.exists()
    assert actions_of(case)[-1] == "close"
    submit(h.frontdesk, case)
    with pytest.raises(InvalidInput) as bad:  # a decision says what was decided
        decide(h.fo_head, case, " ")
    assert bad.value.field == "note" and states(case)[0] == "pending"


def test_a_late_signature_is_recorded_against_the_unit(hotel, case):
    h = hotel
    submit(h.frontdesk, case, when=at(2026, 5, 13, 10, 0))
    assert sweep(now=at(2026, 5, 18, 10, 0))["breached"] == 1
    late = Lateness.objects.get(case=case)
    assert (late.clock.name, late.clock.label, late.unit) == ("approval:handling_report:1", SIGN,
                                                              h.units["front_office"])
    case = fresh(case)
    assert case.state == "closed" and actions_of(case)[-1] == "clock_breached"
    assert verify_case(case) is None


def test_the_bank_does_not_run_the_report(bank):
    b = bank
    case = replied(b.cm, b.units["outlet_wenyi"], at(2026, 5, 12, 9, 0))
    case_actions.record_callback(actor=b.cm, case_id=case.pk, result="satisfied")
    assert fresh(case).state == "confirmed"
    for person in (b.cm, b.outlet_head):
        with pytest.raises(Refused, match="right"):
            submit(person, case)
    assert not HandlingReport.objects.exists()


SHORT_CHAIN = """
extends = "hotel"

# The GM office approves and the department carries it out: two steps, no department head's
# signature and no opinion from marketing.
[kinds.complaint.approvals.handling_report]
label = "顾客投诉处理报告表"
steps = [
  { role = "gm_office", label = "总经室批示", amount = 1, unit_of_time = "working_days" },
  { role = "dept_head", unit = "handling", label = "部门落实", amount = 5, unit_of_time = "working_days" },
]
"""


@pytest.fixture
def short_chain(db, tmp_path, monkeypatch):
    (tmp_path / "hotel_short.toml").write_text(SHORT_CHAIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the organisation keeps the name it was applied by (50 characters)
    apply_preset("hotel_short.toml")
    return SimpleNamespace(units={u.code: u for u in Unit.objects.all()}, **create_preset_people(password="pw"))


def test_another_presets_chain_runs_with_no_python_change(short_chain, client):
    h = short_chain
    case = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")
    submit(h.frontdesk, case)
    assert [(label, state) for label, state, _who, _note in steps(case)] == [
        ("总经室批示", "pending"), ("部门落实", "waiting")]
    clock = Clock.objects.get(case=case, name="approval:handling_report:1")
    assert (clock.label, clock.due_at) == ("总经室批示", at(2026, 5, 15, 0, 0))  # one working day
    with pytest.raises(Refused, match="总经室批示"):
        decide(h.fo_head, case)
    with pytest.raises(Refused, match="总经室批示"):
        decide(h.marketing, case)

    # Through the report page: the GM office is offered its step, under the preset's label.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(h.gm_office)
    url = f"/quality/cases/{case.pk}/report/"
    page = client.get(url).content.decode()
    assert "总经室批示" in page and f"{url}{DECIDE}/" in page
    assert client.post(f"{url}{DECIDE}/", {"note": "同意，限期落实"}).status_code == 302
    client.force_login(h.fo_head)
    assert "部门落实 (前厅部)" in client.get(url).content.decode()
    assert client.post(f"{url}{DECIDE}/", {"note": "已落实"}).status_code == 302
    assert steps(case) == [("总经室批示", "granted", "gm_office", "同意，限期落实"),
                           ("部门落实", "granted", "fo_head", "已落实")]
    assert "every step done" in client.get(url).content.decode()
    assert actions_of(case)[-3:] == [SUBMIT, DECIDE, DECIDE]
    assert verify_case(fresh(case)) is None
