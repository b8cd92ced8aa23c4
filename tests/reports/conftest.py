"""October 2026 in the hotel, built through the actions with `now=` (Beijing time).

    case  received          unit (responsible)      channel  stage   category          end state
    H     09-20 10:00       housekeeping            walk_in  after   hygiene           received
    A     09-30 23:30       front_office            phone    during  billing           closed (in October)
    B     10-12 10:00 Mon   housekeeping (target)   walk_in  during  hygiene           in_progress, clock breached
    C     10-13 09:00       housekeeping            phone    after   hygiene           reopened, not satisfied
    D     10-15 14:00       food_beverage           letter   after   food              rejected
    E     10-20 09:00       front_office            phone    after   service_attitude  closed, satisfied
    F     10-31 23:30       front_office            web      during  noise             received
    G     11-01 00:10       front_office            phone    after   other             received

October counts B, C, D, E and F (five cases); A and H are September's, G is November's.
The hand-computed figures are in test_figures.py.
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tousu.cases import actions as act
from tousu.cases.sweep import sweep

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _register(h, who, unit, when, **fields):
    return act.register_case(actor=getattr(h, who), unit=h.units[unit], now=when, subject=fields.pop("subject"),
                             description=fields.pop("description", "经过"), complainant_name="张先生", **fields)


def _settle(h, case, owner, head, *, replied, callback, closed=None, result="satisfied"):
    """Resolution, reply and call-back by the owner; close by the head."""
    act.propose_resolution(actor=owner, case_id=case.pk, resolution="致歉并处理", now=replied - dt.timedelta(minutes=5))
    act.reply_case(actor=owner, case_id=case.pk, text="已处理", now=replied)
    act.record_callback(actor=owner, case_id=case.pk, result=result, now=callback)
    if closed:
        act.close_case(actor=head, case_id=case.pk, now=closed)


@pytest.fixture
def october(hotel):
    h = hotel
    c = SimpleNamespace(h=h)
    c.H = _register(h, "hk_staff", "housekeeping", at(2026, 9, 20, 10), channel="walk_in", stage="after",
                    category="hygiene", subject="床单和毛巾不干净", description="床单有污渍，毛巾发黄")

    c.A = _register(h, "frontdesk", "front_office", at(2026, 9, 30, 23, 30), channel="phone", stage="during",
                    category="billing", subject="账单多收费", complainant_phone="13800000001",
                    requested_by=at(2026, 10, 1, 8))
    act.accept_case(actor=h.frontdesk, case_id=c.A.pk, now=at(2026, 9, 30, 23, 40))
    _settle(h, c.A, h.frontdesk, h.fo_head, replied=at(2026, 10, 1, 7, 30), callback=at(2026, 10, 1, 10),
            closed=at(2026, 10, 1, 11))

    c.B = _register(h, "frontdesk", "front_office", at(2026, 10, 12, 10), channel="walk_in", stage="during",
                    category="hygiene", target_unit=h.units["housekeeping"], subject="房间未打扫",
                    complainant_phone="13800000002", requested_by=at(2026, 10, 12, 12))
    act.accept_case(actor=h.frontdesk, case_id=c.B.pk, now=at(2026, 10, 12, 10, 5))
    c.swept = sweep(now=at(2026, 10, 12, 12, 1))  # B's during-stay clock breaches; B goes up to fo_head

    c.C = _register(h, "hk_staff", "housekeeping", at(2026, 10, 13, 9), channel="phone", stage="after",
                    category="hygiene", subject="床单有污渍", complainant_phone="13900000003",
                    description="床单有污渍，毛巾也发黄")  # H's matter again: a repeat
    # A 消费后 complaint: housekeeping's head has it from registration and handles it.
    act.accept_case(actor=h.hk_head, case_id=c.C.pk, now=at(2026, 10, 13, 9, 10))
    _settle(h, c.C, h.hk_head, h.hk_head, replied=at(2026, 10, 13, 15), callback=at(2026, 10, 14, 10),
            closed=at(2026, 10, 14, 11))
    act.reopen_case(actor=h.hk_head, case_id=c.C.pk, reason="客人再次来电", now=at(2026, 10, 20, 10))
    _settle(h, c.C, h.hk_head, h.hk_head, replied=at(2026, 10, 20, 15), callback=at(2026, 10, 21, 10),
            result="not_satisfied")  # escalates to the deputy GM; C stays open

    c.D = _register(h, "fb_head", "food_beverage", at(2026, 10, 15, 14), channel="letter", stage="after",
                    category="food", subject="菜品不新鲜", complainant_phone="13800000002")  # B's phone
    act.accept_case(actor=h.fb_head, case_id=c.D.pk, now=at(2026, 10, 15, 14, 30))
    act.reject_case(actor=h.fb_head, case_id=c.D.pk, reason="非本店餐厅", now=at(2026, 10, 15, 15))

    c.E = _register(h, "frontdesk", "front_office", at(2026, 10, 20, 9), channel="phone", stage="after",
                    category="service_attitude", subject="前台态度冷淡")
    # A 消费后 complaint: the front office's head has it from registration and handles it.
    act.accept_case(actor=h.fo_head, case_id=c.E.pk, now=at(2026, 10, 20, 9, 5))
    _settle(h, c.E, h.fo_head, h.fo_head, replied=at(2026, 10, 20, 11), callback=at(2026, 10, 21, 9),
            closed=at(2026, 10, 21, 10))

    c.F = _register(h, "frontdesk", "front_office", at(2026, 10, 31, 23, 30), channel="web", stage="during",
                    category="noise", subject="隔壁吵闹", complainant_phone="13800000006")
    c.G = _register(h, "frontdesk", "front_office", at(2026, 11, 1, 0, 10), channel="phone", stage="after",
                    category="other", subject="停车不便")
    return c
