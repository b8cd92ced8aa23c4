"""Staff log-in: locked for a while after failures (per username and address, django-axes), and
weak new passwords refused by Django's validators."""

import io
from datetime import timedelta
from ipaddress import ip_network

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client

from tousu.api.auth import issue_token

URL = "/accounts/login/"


def log_in(client, username, password, **meta):
    return client.post(URL, {"username": username, "password": password}, **meta)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, **meta):
    for _ in range(times):
        response = log_in(client, username, "wrong password", **meta)
        assert response.status_code == 200 and not logged_in(client)


def lock_out(username, **meta):
    """Fail as often as the limit allows: the last failure locks."""
    from django.conf import settings

    client = Client()
    fail(client, username, settings.AXES_FAILURE_LIMIT - 1, **meta)
    assert log_in(client, username, "wrong password", **meta).status_code == 429


def test_the_right_password_is_refused_while_locked(hotel, settings):
    lock_out(hotel.frontdesk.username)
    client = Client()
    response = log_in(client, hotel.frontdesk.username, "pw")
    page = response.content.decode()
    assert response.status_code == 429 and not logged_in(client)
    assert "登录失败次数过多" in page and "15 分钟" in page  # Chinese by default, says how long


def test_fewer_failures_or_a_success_in_between_do_not_lock(hotel, settings):
    username = hotel.frontdesk.username
    fail(Client(), username, settings.AXES_FAILURE_LIMIT - 1)
    client = Client()
    assert log_in(client, username, "pw").status_code == 302 and logged_in(client)
    fail(Client(), username, settings.AXES_FAILURE_LIMIT - 1)  # the success wiped the count
    assert log_in(Client(), username, "pw").status_code == 302


def test_the_lock_is_per_username_and_address(hotel, settings):
    lock_out(hotel.frontdesk.username)
    # The same person from another address, and another person from this one, may log in.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(elsewhere, hotel.frontdesk.username, "pw").status_code == 302 and logged_in(elsewhere)
    colleague = Client()
    assert log_in(colleague, hotel.fo_head.username, "pw").status_code == 302 and logged_in(colleague)


def test_behind_a_proxy_each_client_is_locked_on_its_own(hotel, settings):
    settings.TOUSU_TRUSTED_PROXIES = [ip_network("10.0.0.1")]
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    lock_out(hotel.frontdesk.username, **attacker)
    assert log_in(Client(), hotel.frontdesk.username, "pw", **attacker).status_code == 429
    person = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert log_in(Client(), hotel.frontdesk.username, "pw", **person).status_code == 302


def test_the_lock_ends_after_the_cool_off(hotel, settings, time_machine):
    time_machine.move_to("2026-12-01 09:00Z", tick=False)
    lock_out(hotel.frontdesk.username)
    assert log_in(Client(), hotel.frontdesk.username, "pw").status_code == 429
    time_machine.move_to("2026-12-01 09:16Z", tick=False)
    client = Client()
    assert log_in(client, hotel.frontdesk.username, "pw").status_code == 302 and logged_in(client)


def test_an_administrator_can_unlock(hotel, settings):
    lock_out(hotel.frontdesk.username)
    call_command("axes_reset_username", hotel.frontdesk.username, stdout=io.StringIO())
    assert log_in(Client(), hotel.frontdesk.username, "pw").status_code == 302


def test_api_tokens_are_untouched_by_a_locked_log_in(hotel, settings):
    lock_out(hotel.frontdesk.username)
    assert log_in(Client(), hotel.frontdesk.username, "pw").status_code == 429
    _token, key = issue_token(hotel.frontdesk)
    response = Client().get("/api/cases", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_the_lockout_can_be_set_from_the_environment(monkeypatch):
    import importlib

    import tousu.settings as tousu_settings

    monkeypatch.setenv("TOUSU_LOGIN_FAILURES", "3")
    monkeypatch.setenv("TOUSU_LOGIN_LOCKOUT_MINUTES", "30")
    try:
        fresh = importlib.reload(tousu_settings)
        assert fresh.AXES_FAILURE_LIMIT == 3 and fresh.AXES_COOLOFF_TIME == timedelta(minutes=30)
        monkeypatch.setenv("TOUSU_LOGIN_FAILURES", "three")
        with pytest.raises(ImproperlyConfigured, match="TOUSU_LOGIN_FAILURES must be a whole number"):
            importlib.reload(tousu_settings)
    finally:
        monkeypatch.undo()
        importlib.reload(tousu_settings)


# --- password rules ---------------------------------------------------------------------------

@pytest.fixture
def admin_client(db):
    admin = get_user_model().objects.create_superuser("root", password="a long pass phrase 7")
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("password", ["1", "12345678", "password", "admin123"])
def test_the_admin_refuses_a_weak_password_for_a_new_person(admin_client, password):
    response = admin_client.post("/admin/auth/user/add/", {
        "username": "newbie", "password1": password, "password2": password, "usable_password": "true"},
        headers={"accept-language": "en"})
    assert response.status_code == 200 and not get_user_model().objects.filter(username="newbie").exists()
    assert "This password is too" in response.content.decode()


def test_the_admin_accepts_a_good_password(admin_client):
    response = admin_client.post("/admin/auth/user/add/", {
        "username": "newbie", "password1": "lantern-copper-91", "password2": "lantern-copper-91",
        "usable_password": "true"})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="newbie").check_password("lantern-copper-91")


def test_the_admin_refuses_a_weak_password_change(admin_client, hotel):
    user = hotel.frontdesk
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": "1", "password2": "1", "usable_password": "true"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("pw") and not user.check_password("1")


def test_changepassword_refuses_a_weak_password(hotel, monkeypatch):
    answers = iter(["1", "1"] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="Aborting"):
        call_command("changepassword", hotel.frontdesk.username, stdout=io.StringIO(), stderr=io.StringIO())
    hotel.frontdesk.refresh_from_db()
    assert hotel.frontdesk.check_password("pw")


def test_the_demo_people_password_satisfies_the_rules(db):
    from django.contrib.auth.password_validation import validate_password

    from tousu.demo import DEMO_PASSWORD

    validate_password(DEMO_PASSWORD)  # raises when it does not
