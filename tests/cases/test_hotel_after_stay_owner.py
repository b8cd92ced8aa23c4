"""S1 hotel (text 五 六、一)2、): a 消费后 complaint is reported to the department head at once,
who organises the investigation: the front-desk clerk who took it cannot handle and reply alone."""

from types import SimpleNamespace

import pytest
import time_machine
from django.utils import translation

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import Refused
from tousu.domain.preset import check_file
from tousu.cases.models import Case
from tousu.org.models import Membership, Unit
from tousu.org.services import apply_preset, create_preset_people



@pytest.fixture
def hotel(db):
    apply_preset("hotel")
    people = create_preset_people(password="pw")
    return SimpleNamespace(units={u.code: u for u in Unit.objects.all()}, **people)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def register(h, *, stage, actor=None, unit="front_office"):
    return actions.register_case(
        actor=actor or h.frontdesk, unit=h.units[unit], channel="phone", stage=stage,
        subject="账单多收一晚房费", description="退房后发现多收一晚房费", complainant_name="李女士",
        complainant_phone="13800005678")


def test_an_after_stay_complaint_taken_by_the_front_desk_goes_to_the_department_head(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = register(h, stage="after")
        assert (case.owner, case.level, case.received_by) == (h.fo_head, 1, h.frontdesk)
        first = case.events.get(seq=1)
        assert first.action == "register" and first.new["owner"] == h.fo_head.pk
        with pytest.raises(Refused):
            actions.accept_case(actor=h.frontdesk, case_id=case.pk)
        with pytest.raises(Refused):
            actions.propose_resolution(actor=h.frontdesk, case_id=case.pk, resolution="退款")
        case = actions.accept_case(actor=h.fo_head, case_id=case.pk)
        actions.propose_resolution(actor=h.fo_head, case_id=case.pk, resolution="退还多收房费")
        with pytest.raises(Refused):
            actions.reply_case(actor=h.frontdesk, case_id=case.pk, text="已退还")
        case = actions.reply_case(actor=h.fo_head, case_id=case.pk, text="已退还")
    assert case.state == "replied"


def test_a_during_stay_complaint_stays_with_the_front_desk_to_handle_at_once(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = register(h, stage="during")
        assert (case.owner, case.level) == (h.frontdesk, 0)
        actions.accept_case(actor=h.frontdesk, case_id=case.pk)


def test_a_head_or_higher_who_takes_an_after_stay_complaint_keeps_it(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        assert register(h, stage="after", actor=h.hk_head, unit="housekeeping").owner == h.hk_head
        case = register(h, stage="after", actor=h.gm, unit="hotel")
    assert (case.owner, case.level) == (h.gm, 3)


def test_an_effect_for_an_unknown_stage_or_role_is_refused_naming_the_key(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('extends = "hotel"\n[kinds.complaint.actions.register]\n'
                    'effects = [{ escalate = { to_role = "boss" }, when = { stage = "later" } }]\n',
                    encoding="utf-8")
    problems = "\n".join(check_file(path))
    assert "kinds.complaint.actions.register.effects.0.when.stage" in problems
    assert "kinds.complaint.actions.register.effects.0.escalate.to_role" in problems


def test_without_a_department_head_the_next_level_up_takes_the_complaint(hotel):
    """The 消费后 complaint must go to a head; a department whose head has left sends it on to the
    deputy GM (the next level of the ladder someone holds), so the guest's complaint is still
    registered and has an owner who may organise the investigation."""
    h = hotel
    Membership.objects.filter(role__code="dept_head", unit=h.units["front_office"]).delete()
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = register(h, stage="after")
        assert (case.owner, case.level) == (h.deputy, 2)
        assert register(h, stage="during").owner == h.frontdesk  # 消费中 stays with her


def test_with_nobody_above_the_registration_is_refused_clearly_and_nothing_is_written(hotel):
    h = hotel
    Membership.objects.filter(role__code__in=["dept_head", "deputy_gm", "gm"]).delete()
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        with pytest.raises(Refused, match="No one holds the role 部门负责人"):
            register(h, stage="after")
        assert not Case.objects.exists()
