"""Open complaints probably about the same matter (issue 14), shown on the case page with a
reason each: the same complainant, the same place, the same organisation, a similar text;
never a closed case, one outside the window, or one the reader may not see."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone, translation

from tests.web_ui.helpers import hotel_case
from tousu.cases import actions
from tousu.cases.selectors import similar_open_cases


def reasons_for(case, user):
    with translation.override("en"):
        return {other.subject: [str(r) for r in reasons] for other, reasons in similar_open_cases(case, user=user)}


def test_each_similar_case_comes_with_its_reason(hotel):
    first = hotel_case(hotel, subject="楼下KTV噪音扰民", description="每晚十二点以后还在唱歌", place="3号楼",
                       complainant_phone="13900000001")
    same_text = hotel_case(hotel, subject="KTV噪音扰民严重", description="每晚十二点以后还在唱歌，吵得睡不着",
                           complainant_phone="13900000002")
    same_place = hotel_case(hotel, subject="电梯坏了", description="等了很久", place="3号楼",
                            complainant_phone="13900000003")
    same_person = hotel_case(hotel, subject="早餐太咸", description="菜太咸", complainant_phone="13900000001")
    unrelated = hotel_case(hotel, subject="发票开错", description="抬头写错了", complainant_phone="13900000004")
    found = reasons_for(first, hotel.gm)
    assert found[same_text.subject] == ["a similar text"]
    assert found[same_place.subject] == ["the same place"]
    assert found[same_person.subject] == ["the same complainant"]
    assert unrelated.subject not in found
    page = Client()
    page.force_login(hotel.gm)
    html = page.get(f"/staff/cases/{first.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="similar-cases"' in html and same_text.number in html and unrelated.number not in html


def test_closed_old_and_unseen_cases_are_left_out(hotel):
    with time_machine.travel(timezone.now() - timedelta(days=90)):
        old = hotel_case(hotel, subject="KTV噪音扰民", description="每晚唱歌")
    ended = hotel_case(hotel, subject="KTV噪音扰民", description="每晚唱歌")
    actions.withdraw_case(actor=hotel.frontdesk, case_id=ended.pk, reason="客人撤回")
    case = hotel_case(hotel, subject="KTV噪音扰民", description="每晚唱歌")
    assert reasons_for(case, hotel.gm) == {}
    assert old.subject  # received 90 days ago: outside the 30-day window


def test_a_similar_request_is_merged_with_one_click(hotline):
    """Where the kind has a merge (the hotline's 并案), each similar case carries a button that
    posts the merge with its number; the other request joins this one."""
    import re

    from tousu.cases.models import Case

    h = hotline

    def request(subject, place):
        return actions.register_case(actor=h.operator1, unit=h.units["centre"], channel="phone", subject=subject,
                                     description=subject, complainant_name="市民", category="sanitation",
                                     place=place)

    main, other = request("小区垃圾清运不及时", "幸福小区"), request("垃圾清运不及时臭气熏天", "幸福小区")
    client = Client()
    client.force_login(h.dispatcher)
    html = client.get(f"/staff/cases/{main.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="inline merge-similar">(.*?)</form>', html, re.S)
    assert form and other.number in form.group(2)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    fields.pop("csrfmiddlewaretoken", None)
    assert client.post(form.group(1), fields).status_code == 302
    assert Case.objects.get(pk=other.pk).is_open is True  # joined: it follows the main request
    assert Case.objects.get(pk=other.pk).data.get("merged_into")
