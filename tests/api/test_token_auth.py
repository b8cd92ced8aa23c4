"""Authorization: Bearer <token>; tokens from `tousu api-token` or the admin, kept only as hashes."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from tousu.api.auth import issue_token
from tousu.api.models import ApiToken, hash_key


def with_header(api, value):
    client = api(None)
    client.headers["Authorization"] = value
    return client


def test_a_valid_token_is_the_person(hotel, api):
    r = api(hotel.frontdesk).get("/cases")
    assert r.status_code == 200


def test_no_token_is_a_401_saying_how(hotel, api):
    r = api(None).get("/cases")
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]
    assert r["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("value", ["Bearer nonsense", "Bearer ", "Basic dXNlcjpwdw==", "tsk_abc", "Bearer"])
def test_a_bad_token_is_a_401(hotel, api, value):
    r = with_header(api, value).get("/cases")
    assert r.status_code == 401 and r.json()["detail"]


def test_a_revoked_token_or_an_inactive_person_is_a_401(hotel, api):
    token, key = issue_token(hotel.frontdesk)
    assert with_header(api, f"Bearer {key}").get("/cases").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(active=False)
    assert with_header(api, f"Bearer {key}").get("/cases").status_code == 401
    _token, key = issue_token(hotel.fo_head)
    hotel.fo_head.is_active = False
    hotel.fo_head.save()
    assert with_header(api, f"Bearer {key}").get("/cases").status_code == 401


def test_only_the_hash_is_kept_and_use_is_recorded(hotel, api):
    token, key = issue_token(hotel.frontdesk, name="call centre")
    assert key.startswith("tsk_") and token.key_hash == hash_key(key) and key not in str(
        ApiToken.objects.filter(pk=token.pk).values().get())
    with_header(api, f"Bearer {key}").get("/cases")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_command_prints_a_working_token(hotel, api):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "frontdesk", "--name", "call centre", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert ApiToken.objects.get(key_hash=hash_key(key)).name == "call centre"
    assert "not shown again" in err.getvalue()
    assert with_header(api, f"Bearer {key}").get("/cases").status_code == 200


def test_the_command_refuses_an_unknown_person(hotel):
    with pytest.raises(CommandError, match="nobody"):
        call_command("api_token", "nobody", stdout=io.StringIO())


def test_the_admin_makes_a_token_and_shows_it_once(hotel, api, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    r = client.post("/admin/api/apitoken/add/", {"user": hotel.frontdesk.pk, "name": "crm", "active": "on"},
                    follow=True)
    assert r.status_code == 200
    [key] = re.findall(r"tsk_[\w-]{40,}", " ".join(str(m) for m in r.context["messages"]))
    assert ApiToken.objects.get(name="crm").key_hash == hash_key(key)
    assert with_header(api, f"Bearer {key}").get("/cases").status_code == 200
