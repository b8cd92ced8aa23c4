"""The demo's first page leads to a login page in Chinese, and the `tousu` command works."""

import sys

import pytest
from django.core.management import call_command

from tousu import cli


@pytest.mark.django_db
def test_first_page_leads_to_a_chinese_login(client):
    response = client.get("/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page


@pytest.mark.django_db
def test_english_is_available(client):
    response = client.get("/", follow=True, headers={"accept-language": "en"})
    assert "Log in" in response.content.decode()


def test_tousu_command_maps_dashed_names(monkeypatch, capsys, db, hotel):
    monkeypatch.setattr(sys, "argv", ["tousu", "verify-events"])
    cli.main()
    assert "0" in capsys.readouterr().out


@pytest.mark.django_db
def test_init_refuses_an_unknown_preset_with_a_clear_message():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"unknown preset 'school'.*bank, hotel, (\w+, )*telecom"):
        call_command("init", preset="school")
