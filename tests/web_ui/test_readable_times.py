"""Durations, deadlines and amounts read as a clerk says them (issue 10, the workspace):
剩余 5 小时 6 分, a deadline at the end of a day as that day's 24:00, 补偿金额 in 元; and an
event time in the future is refused at the staff intake as at the portal."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tousu.cases import actions
from tousu.cases.engine import perform
from tousu.cases.errors import InvalidInput
from tousu.cases.models import Case
from tousu.cases.readable import deadline_text, duration_words, time_left, yuan

from .helpers import login
from .test_intake import facts

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_durations_read_in_words(db):
    assert time_left(NOW + timedelta(hours=5, minutes=6, seconds=40), NOW) == "剩余 5 小时 6 分"
    assert time_left(NOW - timedelta(days=2, hours=3, minutes=9), NOW) == "已超时 2 天 3 小时"
    assert duration_words(59) == "不到 1 分"


def test_a_deadline_at_midnight_is_the_day_before_at_24(hotel):
    assert deadline_text(datetime(2026, 12, 2, 0, 0, tzinfo=SHANGHAI)) == "2026-12-01 24:00"
    assert deadline_text(datetime(2026, 12, 2, 0, 1, tzinfo=SHANGHAI)) == "2026-12-02 00:01"


def test_money_shows_yuan(db):
    assert yuan(Decimal("200")) == "200.00 元"
    assert yuan(None) == ""


@time_machine.travel(NOW, tick=False)
def test_the_case_page_and_work_list_read_naturally(client, hotel):
    midnight = datetime(2026, 12, 2, 0, 0, tzinfo=SHANGHAI)
    case = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", subject="空调不制冷",
        description="入住后空调一直吹热风", complainant_name="林先生", complainant_phone="13911112222",
        stage="during", category="facilities", requested_by=midnight)  # by the end of today
    perform("accept", actor=hotel.frontdesk, case_id=case.pk)
    assert case.clocks.filter(due_at=midnight).exists()
    client = login(client, hotel.frontdesk)
    page = client.get(reverse("web:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2026-12-01 24:00" in page and "2026-12-02 00:00" not in page
    assert "剩余 15 小时" in page
    work = client.get(reverse("web:my_work")).content.decode()
    assert "2026-12-01 24:00" in work and "剩余 15 小时" in work


@time_machine.travel(NOW, tick=False)
def test_the_compensation_shows_yuan(client, hotel):
    case = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", subject="餐费多收",
        description="账单多收一份", complainant_name="林先生", complainant_phone="13911112222",
        stage="after", category="facilities")
    Case.objects.filter(pk=case.pk).update(resolution="退还多收费用", compensation=Decimal("88"))
    page = login(client, hotel.frontdesk).get(reverse("web:case", args=[case.pk])).content.decode()
    assert "88.00 元" in page


@time_machine.travel(NOW, tick=False)
def test_a_future_event_time_is_refused_at_staff_intake(client, hotel):
    client = login(client, hotel.frontdesk)
    url = reverse("web:intake", args=["phone"])
    tomorrow = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    review = client.post(url, {**facts(hotel, occurred_at=tomorrow), "step": "review"})
    assert review.status_code == 400 and "该时间不能晚于当前时间" in review.content.decode()
    assert 'id="read-back"' not in review.content.decode() and Case.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_action_refuses_a_future_event_time_for_every_way_in(hotel):
    with pytest.raises(InvalidInput) as refused:
        actions.register_case(
            actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", subject="空调",
            description="吹热风", complainant_name="林先生", complainant_phone="13911112222",
            stage="during", category="facilities", occurred_at=NOW + timedelta(hours=2))
    assert refused.value.field == "occurred_at" and Case.objects.count() == 0
