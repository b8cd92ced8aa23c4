"""Corrective actions: linked to complaints, an owner and a due date, progress, and the effect
(complaints of that category and place before and after)."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from tousu.cases.errors import InvalidInput, NotFound, Refused
from tousu.quality import actions
from tousu.quality.selectors import corrective_actions_visible_to, effect

from .helpers import at, complaint


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_effect_counts_before_and_after(hotel):
    h = hotel
    hk, fo = h.units["housekeeping"], h.units["front_office"]
    a = complaint(h.hk_staff, hk, at(2026, 5, 2, 10), category="hygiene")
    b = complaint(h.hk_staff, hk, at(2026, 5, 20, 10), category="hygiene")
    complaint(h.hk_staff, hk, at(2026, 3, 1, 10), category="hygiene")  # long before: outside 30 days
    complaint(h.hk_staff, hk, at(2026, 5, 21, 10), category="noise")  # another category
    complaint(h.frontdesk, fo, at(2026, 5, 22, 10), category="hygiene")  # another place
    with time_machine.travel(at(2026, 5, 25, 10), tick=False):
        item = actions.create_corrective_action(
            actor=h.hk_head, title="客房清洁抽查制度", owner=h.hk_staff, due_date=dt.date(2026, 6, 30),
            case_ids=[a.pk, b.pk])
    assert (item.category, item.unit, set(item.cases.all())) == ("hygiene", hk, {a, b})
    complaint(h.hk_staff, hk, at(2026, 6, 10, 10), category="hygiene")  # after
    complaint(h.hk_staff, hk, at(2026, 7, 10, 10), category="hygiene")  # after, beyond 30 days

    assert effect(item, user=h.gm, days=30, now=at(2026, 6, 1)) == {
        "before": 2, "after": 1, "days": 30, "complete": False}
    assert effect(item, user=h.gm, days=90, now=at(2026, 9, 1)) == {
        "before": 3, "after": 2, "days": 90, "complete": True}


def test_progress_and_done_by_the_owner_only(hotel):
    h = hotel
    case = complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, 2, 10), category="hygiene")
    item = actions.create_corrective_action(actor=h.hk_head, title="抽查", owner=h.hk_staff,
                                            due_date=dt.date(2026, 6, 30), case_ids=[case.pk])
    actions.add_progress(actor=h.hk_staff, action_id=item.pk, text="已制定抽查表")
    with pytest.raises(Refused, match="owner or the creator"):
        actions.add_progress(actor=h.gm, action_id=item.pk, text="催办")
    with pytest.raises(NotFound):
        actions.add_progress(actor=h.frontdesk, action_id=item.pk, text="?")
    actions.mark_done(actor=h.hk_staff, action_id=item.pk, note="已执行一个月")
    with pytest.raises(Refused, match="already done"):
        actions.add_progress(actor=h.hk_staff, action_id=item.pk, text="再补充")
    assert list(item.notes.values_list("text", flat=True)) == ["已制定抽查表", "已执行一个月"]
    assert set(corrective_actions_visible_to(h.hk_head)) == {item}
    assert set(corrective_actions_visible_to(h.marketing)) == {item}  # marketing sees every unit
    assert set(corrective_actions_visible_to(h.frontdesk)) == set()


def test_only_cases_the_creator_may_see(hotel):
    h = hotel
    theirs = complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, 2, 10), category="hygiene")
    with pytest.raises(InvalidInput) as bad:
        actions.create_corrective_action(actor=h.frontdesk, title="x", owner=h.frontdesk,
                                         due_date=dt.date(2026, 6, 30), case_ids=[theirs.pk])
    assert bad.value.field == "cases"
    with pytest.raises(InvalidInput):
        actions.create_corrective_action(actor=h.hk_head, title="x", owner=h.stranger,
                                         due_date=dt.date(2026, 6, 30), case_ids=[theirs.pk])
    with pytest.raises(Refused):
        actions.create_corrective_action(actor=h.stranger, title="x", owner=h.hk_staff,
                                         due_date=dt.date(2026, 6, 30))
