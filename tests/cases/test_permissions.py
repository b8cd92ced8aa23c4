"""Who may take each action. For every action, on a hotel case in a state where the action is
possible: people who see the case but lack the right are refused (Refused); people of another
unit, the outsider and nobody at all learn nothing (NotFound); the case is unchanged after each
refusal; and the person with the right then succeeds (so the refusals were about the person)."""

import pytest
from django.utils import translation

from tousu.cases import actions
from tousu.cases.errors import NotFound, Refused
from tousu.cases.models import Case, CaseEvent, Clock
from tousu.org.services import create_person

OUTSIDERS = ("fb_head", "stranger", None)  # fb_head: a department head, of another department


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def case_in(h, state: str) -> Case:
    """A case registered by the front office head (its owner), brought to `state`."""
    case = actions.register_case(actor=h.fo_head, unit=h.units["front_office"], channel="phone",
                                 stage="after", subject="退房排队久", description="退房等了半小时",
                                 complainant_name="钱先生")
    steps = {
        "accepted": lambda: actions.accept_case(actor=h.fo_head, case_id=case.pk),
        "transferred": lambda: actions.transfer_case(actor=h.fo_head, case_id=case.pk,
                                                     unit=h.units["housekeeping"], plan="客房部协助"),
        "in_progress": lambda: actions.propose_resolution(actor=h.fo_head, case_id=case.pk,
                                                          resolution="致歉并赠送早餐", compensation=50),
        "replied": lambda: actions.reply_case(actor=h.fo_head, case_id=case.pk, text="已致歉"),
        "confirmed": lambda: actions.record_callback(actor=h.fo_head, case_id=case.pk, result="satisfied"),
        "closed": lambda: actions.close_case(actor=h.fo_head, case_id=case.pk),
    }
    path = {"received": [], "accepted": ["accepted"], "transferred": ["accepted", "transferred"],
            "in_progress": ["accepted", "in_progress"],
            "replied": ["accepted", "in_progress", "replied"],
            "confirmed": ["accepted", "in_progress", "replied", "confirmed"],
            "closed": ["accepted", "in_progress", "replied", "confirmed", "closed"]}[state]
    for name in path:
        steps[name]()
    return Case.objects.get(pk=case.pk)


# action: (state it is tried in, call, who sees the case but may not, who may)
ACTIONS = {
    "accept": ("received", lambda h, c, who: actions.accept_case(actor=who, case_id=c.pk),
               ("frontdesk",), "fo_head"),
    "note": ("accepted", lambda h, c, who: actions.add_note(actor=who, case_id=c.pk, text="跟进中"),
             (), "frontdesk"),
    "assign": ("accepted", lambda h, c, who: actions.assign_case(actor=who, case_id=c.pk,
                                                                 assignee=h.frontdesk),
               ("frontdesk",), "fo_head"),
    "transfer": ("accepted", lambda h, c, who: actions.transfer_case(
        actor=who, case_id=c.pk, unit=h.units["housekeeping"], plan="客房部处理"),
        ("frontdesk",), "fo_head"),
    "agree_plan": ("transferred", lambda h, c, who: actions.agree_plan(actor=who, case_id=c.pk),
                   ("hk_staff", "fo_head", "frontdesk"), "hk_head"),
    "escalate": ("accepted", lambda h, c, who: actions.escalate_case(actor=who, case_id=c.pk,
                                                                     reason="请分管副总处理"),
                 ("frontdesk",), "fo_head"),
    "propose_resolution": ("accepted", lambda h, c, who: actions.propose_resolution(
        actor=who, case_id=c.pk, resolution="致歉", compensation=100), ("frontdesk",), "fo_head"),
    "reply": ("in_progress", lambda h, c, who: actions.reply_case(actor=who, case_id=c.pk, text="答复"),
              ("frontdesk",), "fo_head"),
    "record_callback": ("replied", lambda h, c, who: actions.record_callback(
        actor=who, case_id=c.pk, result="satisfied"), ("frontdesk",), "fo_head"),
    "sign_off": ("replied", lambda h, c, who: actions.sign_off_case(actor=who, case_id=c.pk),
                 ("frontdesk",), "fo_head"),
    "close": ("confirmed", lambda h, c, who: actions.close_case(actor=who, case_id=c.pk),
              ("frontdesk",), "fo_head"),
    "reopen": ("closed", lambda h, c, who: actions.reopen_case(actor=who, case_id=c.pk, reason="再次投诉"),
               ("frontdesk",), "fo_head"),
    "withdraw": ("accepted", lambda h, c, who: actions.withdraw_case(actor=who, case_id=c.pk,
                                                                     reason="客户撤回"),
                 ("frontdesk",), "fo_head"),
    "reject": ("received", lambda h, c, who: actions.reject_case(actor=who, case_id=c.pk,
                                                                 reason="不属于投诉"),
               ("frontdesk",), "fo_head"),
}


def snapshot(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (case.version, case.state, case.owner_id, case.level, case.event_count,
            CaseEvent.objects.count(), Clock.objects.count())


def person(h, username):
    return None if username is None else getattr(h, username)


@pytest.mark.parametrize("action", ACTIONS)
def test_only_those_with_the_right_may_act(hotel, action):
    state, call, insiders, allowed = ACTIONS[action]
    case = case_in(hotel, state)
    before = snapshot(case)

    for username in (*insiders, "marketing"):  # marketing sees every case and acts on none
        with pytest.raises(Refused):
            call(hotel, case, person(hotel, username))
        assert snapshot(case) == before, username
    for username in OUTSIDERS:
        with pytest.raises(NotFound):
            call(hotel, case, person(hotel, username))
        assert snapshot(case) == before, username

    call(hotel, case, person(hotel, allowed))
    after = snapshot(case)
    assert after[0] == before[0] + 1 and after[4] > before[4]


@pytest.mark.parametrize("username", ["hk_staff", "marketing", "stranger", None])
def test_only_members_of_the_unit_may_register_for_it(hotel, username):
    with pytest.raises(Refused, match="前厅部"):
        actions.register_case(actor=person(hotel, username), unit=hotel.units["front_office"],
                              channel="phone", subject="噪音", description="隔壁吵闹",
                              complainant_name="孙先生", stage="during")
    assert (Case.objects.count(), CaseEvent.objects.count(), Clock.objects.count()) == (0, 0, 0)
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"],
                                 channel="phone", subject="噪音", description="隔壁吵闹",
                                 complainant_name="孙先生", stage="during")
    assert case.owner == hotel.frontdesk and case.event_count == 1


def test_a_head_elsewhere_who_also_works_in_the_unit_complained_about_may_not_agree_its_plan(hotel):
    """The plan is agreed by the head *of* the unit complained about, not by any head who
    happens to hold some membership there."""
    create_person(username=hotel.fo_head.username, name="前厅部经理 李强", unit=hotel.units["housekeeping"],
                  roles=["staff"], password="pw")
    case = case_in(hotel, "transferred")
    before = snapshot(case)
    with pytest.raises(Refused, match="客房部"):
        actions.agree_plan(actor=hotel.fo_head, case_id=case.pk)
    assert snapshot(case) == before
    actions.agree_plan(actor=hotel.hk_head, case_id=case.pk)
    assert Case.objects.get(pk=case.pk).plan_agreed_by == hotel.hk_head
