"""S7: a complaint of the same kind against the same person or unit within the policy's window,
or from the same complainant again, is a repeat; one outside the window is not."""

import datetime as dt

import time_machine
from django.template import Context, Template
from django.test import RequestFactory

from tousu.cases import actions
from tousu.cases.models import Case
from tousu.cases.selectors import repeat_cases, repeats_of
from tousu.org.services import current_policy
from tousu.reports import figures

from .helpers import SH, at, complaint, replied


def test_repeat_within_the_window_is_flagged_and_one_outside_is_not(hotel):
    h = hotel
    hk = h.units["housekeeping"]
    first = complaint(h.hk_staff, hk, at(2026, 5, 1, 10, 0), category="hygiene")
    again = complaint(h.hk_staff, hk, at(2026, 5, 30, 10, 0), category="hygiene")  # 29 days later
    late = complaint(h.hk_staff, hk, at(2026, 7, 15, 10, 0), category="hygiene")  # 46 days after `again`
    other_kind = complaint(h.hk_staff, hk, at(2026, 5, 2, 10, 0), category="noise")

    assert list(repeats_of(again)) == [first]
    assert list(repeats_of(late)) == []
    assert list(repeats_of(other_kind)) == []
    assert list(repeats_of(first)) == []  # the first one repeats nothing
    assert list(repeats_of(late, window_days=60)) == [again]
    assert set(repeat_cases(h.hk_head, window_days=30)) == {again}


def test_same_responsible_employee_in_another_unit_and_same_complainant(hotel):
    h = hotel
    first = replied(h.hk_staff, h.units["housekeeping"], at(2026, 5, 1, 10, 0), category="service_attitude",
                    responsible=h.hk_staff, phone="13800001111")
    # Same category, against the same employee, although the front office handled it.
    same_person = replied(h.frontdesk, h.units["front_office"], at(2026, 5, 10, 10, 0),
                          category="service_attitude", responsible=h.hk_staff)
    # Another kind and another unit, but the same complainant again.
    same_phone = complaint(h.frontdesk, h.units["front_office"], at(2026, 5, 20, 10, 0), category="billing",
                           phone="13800001111")
    stranger = complaint(h.frontdesk, h.units["front_office"], at(2026, 5, 21, 10, 0), category="food")
    assert list(repeats_of(same_person)) == [first]
    assert list(repeats_of(same_phone)) == [first]
    assert list(repeats_of(stranger)) == []
    assert set(repeat_cases(h.gm, window_days=30)) == {same_person, same_phone}


def test_a_reader_sees_only_the_repeats_they_may_see(hotel):
    h = hotel
    first = complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, 1, 10, 0), phone="13900002222")
    again = complaint(h.frontdesk, h.units["front_office"], at(2026, 5, 3, 10, 0), phone="13900002222")
    assert list(repeats_of(again, user=h.gm)) == [first]
    assert list(repeats_of(again, user=h.frontdesk)) == []  # housekeeping's case is not theirs
    assert list(repeat_cases(h.frontdesk, window_days=30)) == [again]
    assert list(repeat_cases(h.hk_staff, window_days=30)) == []


def test_the_flag_snippet(hotel):
    h = hotel
    first = complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, 1, 10, 0), category="hygiene")
    again = complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, 3, 10, 0), category="hygiene")
    request = RequestFactory().get("/")
    request.user = h.hk_head
    html = Template("{% load quality %}{% repeat_flag case %}").render(Context({"case": again, "request": request}))
    assert first.number in html and "repeat-flag" in html
    html = Template("{% load quality %}{% repeat_flag case %}").render(Context({"case": first, "request": request}))
    assert "repeat-flag" not in html


def test_a_busy_flag_links_the_newest_and_says_more_than(hotel, monkeypatch):
    from django.utils import translation

    from tousu.quality.templatetags import quality

    monkeypatch.setattr(quality, "REPEATS_SHOWN", 2)
    monkeypatch.setattr(quality, "REPEATS_COUNTED", 3)
    h = hotel
    hk = h.units["housekeeping"]
    earlier = [complaint(h.hk_staff, hk, at(2026, 5, day, 10, 0), category="hygiene") for day in (1, 2, 3, 4)]
    latest = complaint(h.hk_staff, hk, at(2026, 5, 6, 10, 0), category="hygiene")
    request = RequestFactory().get("/")
    request.user = h.hk_head
    with translation.override("en"):
        html = Template("{% load quality %}{% repeat_flag case %}").render(Context({"case": latest, "request": request}))
    assert "more than 2 earlier complaints" in html
    assert earlier[3].number in html and earlier[2].number in html and earlier[0].number not in html


def test_the_case_page_and_the_report_count_the_same_repeats(hotel):
    """One rule (tousu.cases.selectors): a case flagged as a repeat on its page counts as a
    repeat in the report's repeat rate, and a case the report counts is flagged on its page."""
    h = hotel
    hk, fo = h.units["housekeeping"], h.units["front_office"]
    first = replied(h.hk_staff, hk, at(2026, 5, 1, 10, 0), category="hygiene", responsible=h.hk_staff,
                    phone="13800001111")
    cases = {
        "same unit and category": complaint(h.hk_staff, hk, at(2026, 5, 3, 10, 0), category="hygiene"),
        "same employee, other unit": replied(h.frontdesk, fo, at(2026, 5, 4, 10, 0), category="hygiene",
                                             responsible=h.hk_staff),
        "same phone": complaint(h.frontdesk, fo, at(2026, 5, 5, 10, 0), category="billing", phone="13800001111"),
        "other category": complaint(h.hk_staff, hk, at(2026, 5, 6, 10, 0), category="noise"),
        "no category": complaint(h.hk_staff, hk, at(2026, 5, 7, 10, 0)),
        "outside the window": complaint(h.hk_staff, hk, at(2026, 7, 1, 10, 0), category="food"),
    }
    with time_machine.travel(at(2026, 5, 2, 10, 0), tick=False):
        # Complained about housekeeping, handled by the front office: the handling unit counts.
        cases["handled elsewhere"] = actions.register_case(
            actor=h.frontdesk, unit=fo, target_unit=hk, channel="phone", stage="after", category="hygiene",
            subject="投诉", description="经过", complainant_name="张先生")
    same_moment = [complaint(h.frontdesk, fo, at(2026, 5, 9, 10, 0), phone="13900002222") for _ in range(2)]
    cases.update({"same moment (1)": same_moment[0], "same moment (2)": same_moment[1], "the first": first})

    policy = current_policy()

    def counted_by_report(case) -> bool:
        """The report of a period holding this case alone (its received moment)."""
        start = Case.objects.get(pk=case.pk).received_at
        found = figures.compute(Case.objects.all(), start=start, end=start + dt.timedelta(microseconds=1),
                                policy=policy, tz=SH)
        assert found["total"] == (2 if case in same_moment else 1)
        return found["rates"]["repeat"]["num"] > 0

    on_page = {name for name, case in cases.items() if repeats_of(case).exists()}
    in_report = {name for name, case in cases.items() if counted_by_report(case)}
    assert on_page == in_report == {"same unit and category", "same employee, other unit", "same phone"}
    month = figures.compute(Case.objects.all(), start=at(2026, 5, 1), end=at(2026, 6, 1), policy=policy, tz=SH)
    assert month["rates"]["repeat"]["num"] == len(on_page)
    assert set(repeat_cases(h.gm, window_days=30)) == {cases[name] for name in on_page}
