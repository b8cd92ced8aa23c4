"""The policy keeps versions: who put each in force and when; a case names the one it ran under."""

import datetime as dt
import json

import pytest
from django.test import Client

from tousu.cases import actions
from tousu.org.models import Organisation, PolicyVersion
from tousu.org.services import apply_preset


def test_loading_a_preset_again_adds_no_version_unless_it_changed(hotel):
    assert PolicyVersion.objects.count() == 1
    apply_preset("hotel", changed_by="ops")
    assert PolicyVersion.objects.count() == 1
    # The hotel's policy asks for the GM's approval of any change (tests below).
    apply_preset("bank", changed_by="ops", approved_by="gm", approved_on=dt.date(2026, 11, 30))
    latest = PolicyVersion.objects.order_by("-number").first()
    assert (latest.number, latest.preset, latest.changed_by) == (2, "bank", "ops")


def test_a_case_records_the_version_it_was_registered_under(hotel):
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 subject="噪音", description="楼上很吵", complainant_name="张先生", stage="after")
    assert case.policy_version == PolicyVersion.objects.get().number == 1


@pytest.fixture
def admin_client(hotel, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    return client


def test_an_admin_edit_becomes_a_version_naming_the_editor(admin_client):
    org = Organisation.objects.get()
    policy = org.policy
    policy["kinds"]["complaint"]["actions"]["note"]["roles"] = ["owner"]
    response = admin_client.post(f"/admin/org/organisation/{org.pk}/change/", {
        "name": org.name, "preset": org.preset, "timezone": org.timezone, "hotline": org.hotline,
        "policy": json.dumps(policy, ensure_ascii=False), "approved_by": "gm", "approved_on": "2026-11-30"})
    assert response.status_code == 302
    latest = PolicyVersion.objects.order_by("-number").first()
    assert (latest.number, latest.changed_by) == (2, "root")
    assert (latest.approved_by, latest.approved_on) == ("gm", dt.date(2026, 11, 30))
    assert latest.policy["kinds"]["complaint"]["actions"]["note"]["roles"] == ["owner"]


def test_an_admin_edit_with_a_mistake_is_refused_naming_the_key(admin_client):
    org = Organisation.objects.get()
    policy = org.policy
    policy["kinds"]["complaint"]["actions"]["reply"]["to"] = "answered"
    response = admin_client.post(f"/admin/org/organisation/{org.pk}/change/", {
        "name": org.name, "preset": org.preset, "timezone": org.timezone, "hotline": org.hotline,
        "policy": json.dumps(policy, ensure_ascii=False)})
    assert response.status_code == 200
    assert "kinds.complaint.actions.reply.to" in response.content.decode()
    assert "answered" in response.content.decode()
    assert PolicyVersion.objects.count() == 1
    assert Organisation.objects.get().policy["kinds"]["complaint"]["actions"]["reply"]["to"] == "replied"


# --- 本规定经总经理批准后生效 (text 五 九、十): a change takes effect only with the GM's approval ---

def _changed_hotel(tmp_path):
    path = tmp_path / "hotel_changed.toml"
    path.write_text('extends = "hotel"\n[roles.staff]\nname = "员工"\nmax_compensation = 300\n'
                    'personal_data = true\n', encoding="utf-8")
    return str(path)


def test_a_changed_authority_is_refused_without_the_gms_approval(hotel, tmp_path):
    from tousu.domain.policy import PolicyError

    with pytest.raises(PolicyError, match="总经理"):
        apply_preset(_changed_hotel(tmp_path), changed_by="ops")
    with pytest.raises(PolicyError, match="总经理"):  # a department head is not the GM
        apply_preset(_changed_hotel(tmp_path), changed_by="ops", approved_by="fo_head",
                     approved_on=dt.date(2026, 11, 30))
    with pytest.raises(PolicyError, match="批准变更的日期"):
        apply_preset(_changed_hotel(tmp_path), changed_by="ops", approved_by="gm")
    assert PolicyVersion.objects.count() == 1
    assert Organisation.objects.get().policy["roles"]["staff"]["max_compensation"] == 200


def test_a_change_the_gm_approved_is_a_version_naming_the_approver_and_the_day(hotel, tmp_path):
    apply_preset(_changed_hotel(tmp_path), changed_by="ops", approved_by="gm", approved_on=dt.date(2026, 11, 30))
    latest = PolicyVersion.objects.order_by("-number").first()
    assert (latest.number, latest.changed_by, latest.approved_by, latest.approved_on) == (
        2, "ops", "gm", dt.date(2026, 11, 30))
    assert Organisation.objects.get().policy["roles"]["staff"]["max_compensation"] == 300


def test_an_admin_edit_without_the_gms_approval_is_refused(admin_client):
    org = Organisation.objects.get()
    policy = org.policy
    policy["roles"]["staff"]["max_compensation"] = 300
    response = admin_client.post(f"/admin/org/organisation/{org.pk}/change/", {
        "name": org.name, "preset": org.preset, "timezone": org.timezone, "hotline": org.hotline,
        "policy": json.dumps(policy, ensure_ascii=False)}, headers={"accept-language": "zh-hans"})
    assert response.status_code == 200 and "总经理" in response.content.decode()
    assert PolicyVersion.objects.count() == 1
    assert Organisation.objects.get().policy["roles"]["staff"]["max_compensation"] == 200


def test_tousu_init_takes_the_approval(hotel, tmp_path):
    from django.core.management import call_command

    call_command("init", preset=_changed_hotel(tmp_path), by="ops", approved_by="gm", approved_on="2026-11-30")
    assert PolicyVersion.objects.order_by("-number").first().approved_by == "gm"
