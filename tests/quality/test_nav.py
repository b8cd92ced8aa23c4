"""The quality navigation lists the daily duty only where the preset has one: the bank's
每日查阅客户意见簿, nothing of the kind for the telecom team."""

from django.test import Client


def _nav(user) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/quality/reports/").content.decode()
    return page[page.index('<nav class="nav nav-pills'):].split("</nav>", 1)[0]


def test_the_bank_lists_its_daily_opinion_book_check(bank):
    assert "每日查阅客户意见簿" in _nav(bank.cm)


def test_the_telecom_team_has_no_daily_duty_link(telecom):
    nav = _nav(telecom.center_head)
    assert "/quality/monitoring" not in nav and "弱覆盖投诉汇总" in nav
